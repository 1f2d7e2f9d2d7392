//! A broker chosen by name, as `--broker` and `MICRO_BROKER` choose it in go-micro.

use std::sync::Arc;

use crate::broker::Broker;

/// Where the broker is and what it may use: what the command line says.
#[derive(Debug, Clone, Default)]
pub struct BrokerOptions {
    /// The broker's address: for NATS, its server(s); for the HTTP broker, where a
    /// subscriber listens (`127.0.0.1:0` by default: any free port).
    pub address: Option<String>,
}

/// Opens the broker called `name`.
pub async fn open_broker(name: &str, options: &BrokerOptions) -> anyhow::Result<Arc<dyn Broker>> {
    let _ = options;
    match name {
        "http" => anyhow::bail!("the http broker is not built yet"),
        "nats" => anyhow::bail!("the nats broker is not built yet"),
        other => anyhow::bail!("unknown broker {other:?}: use http or nats"),
    }
}
