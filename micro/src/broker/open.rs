//! A broker chosen by name, as `--broker` and `MICRO_BROKER` choose it in go-micro.

use std::sync::Arc;

use crate::registry::Registry;

use crate::broker::Broker;
use crate::broker::http::HttpBroker;

/// Where the broker is and what it may use: what the command line says.
#[derive(Clone, Default)]
pub struct BrokerOptions {
    /// The broker's address: for NATS, its server(s); for the HTTP broker, where a
    /// subscriber listens (`127.0.0.1:0` by default: any free port).
    pub address: Option<String>,
    /// The registry the HTTP broker finds subscribers in (lesson 11's, chosen by
    /// `--registry`).
    pub registry: Option<Arc<dyn Registry>>,
    /// For the HTTP broker: the address its subscribers register instead of their own.
    pub advertise: Option<String>,
}

/// Opens the broker called `name`.
pub async fn open_broker(name: &str, options: &BrokerOptions) -> anyhow::Result<Arc<dyn Broker>> {
    match name {
        "http" => {
            let Some(registry) = options.registry.clone() else {
                anyhow::bail!("the http broker finds its subscribers in a registry: give one");
            };
            let listen = options.address.as_deref().unwrap_or("127.0.0.1:0");
            let mut broker = HttpBroker::new(registry, listen)?;
            if let Some(address) = &options.advertise {
                broker = broker.advertise(address)?;
            }
            Ok(Arc::new(broker))
        }
        "nats" => {
            let url = crate::broker::nats::server_url(options.address.as_deref());
            Ok(Arc::new(
                crate::broker::nats::NatsBroker::connect(&url).await?,
            ))
        }
        other => anyhow::bail!("unknown broker {other:?}: use http or nats"),
    }
}
