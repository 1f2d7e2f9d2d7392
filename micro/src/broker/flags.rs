//! The broker flags, as go-micro's services take them: `--broker` and `--broker-address`, or
//! the same from `MICRO_BROKER` and `MICRO_BROKER_ADDRESS`.
//!
//! Beside lesson 11's registry flags, the lesson's binary flattens them into its command
//! line, and so does the srv crate that `l11-micro new` writes: one place says what they mean.

use std::sync::Arc;

use crate::registry::Registry;

use crate::broker::Broker;
use crate::broker::open::{BrokerOptions, open_broker};

/// Which broker, and where.
#[derive(clap::Args, Debug, Clone)]
pub struct BrokerFlags {
    /// Which broker: http (go-micro's default) or nats.
    // The id is `broker`, not the field's name: a global flag's value is handed to every
    // subcommand's flag of the same id, and `captcha-server --name` is one.
    #[arg(
        id = "broker",
        long = "broker",
        global = true,
        env = "MICRO_BROKER",
        default_value = "http"
    )]
    pub name: String,
    /// Where it is. nats: the server's URL, else NATS_URL; http: where this program's
    /// subscribers listen (default: any free port; `subscribe --addr` in the lesson's binary).
    #[arg(long = "broker-address", global = true, env = "MICRO_BROKER_ADDRESS")]
    pub address: Option<String>,
}

impl BrokerFlags {
    /// What `open_broker` needs; the http broker finds its subscribers in `registry`.
    pub fn options(&self, registry: Option<Arc<dyn Registry>>) -> BrokerOptions {
        BrokerOptions {
            address: self.address.clone(),
            registry,
            advertise: None,
        }
    }

    /// The broker these flags name.
    pub async fn open(
        &self,
        registry: Option<Arc<dyn Registry>>,
    ) -> anyhow::Result<Arc<dyn Broker>> {
        open_broker(&self.name, &self.options(registry)).await
    }
}
