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
    match name {
        "http" => anyhow::bail!("the http broker is not built yet"),
        "nats" => {
            let url = options
                .address
                .as_deref()
                .unwrap_or(crate::nats::DEFAULT_URL);
            Ok(Arc::new(crate::nats::NatsBroker::connect(url).await?))
        }
        other => anyhow::bail!("unknown broker {other:?}: use http or nats"),
    }
}
