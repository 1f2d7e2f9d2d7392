//! How a service of the framework appears in the registry and leaves it, whatever it serves:
//! a name, a version and the address it listens on, written down as a [`Node`] while it runs.
//!
//! The gRPC [`Service`](super::Service) and the [`WebService`](crate::web::WebService)
//! differ in what they serve and in how they drain; this part they share.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tracing::{info, warn};

use crate::registry::{Node, Registry};

// ANCHOR: registration
/// A service's name, version and address, and the registry it is written down in.
pub struct Registration {
    pub name: String,
    /// The version every node of this build says it runs.
    pub version: String,
    pub registry: Arc<dyn Registry>,
    /// Where to listen: `host:port` (port 0: any free port).
    pub address: String,
}

impl Registration {
    /// Listens on the address, and describes the node that answers there: its id is the
    /// name and the port (`greeter-127.0.0.1-7011`), unique on the network.
    pub async fn listen(
        &self,
        metadata: BTreeMap<String, String>,
    ) -> anyhow::Result<(TcpListener, Node)> {
        let listener = TcpListener::bind(&self.address)
            .await
            .with_context(|| format!("cannot listen on {}", self.address))?;
        let addr = listener.local_addr()?;
        let node = Node {
            id: format!("{}-{}-{}", self.name, addr.ip(), addr.port()),
            address: addr.to_string(),
            version: self.version.clone(),
            metadata,
        };
        Ok((listener, node))
    }

    /// Writes `node` down: from now on, callers find it.
    pub async fn register(&self, node: &Node) -> anyhow::Result<()> {
        self.registry.register(&self.name, node).await?;
        info!("registered {} in {}", node.id, self.registry.describe());
        Ok(())
    }

    /// Takes `node` out. A registry that cannot be reached is no reason not to stop: the
    /// registration then ends when its TTL runs out, and the log says so.
    pub async fn deregister(&self, node: &Node) {
        if let Err(error) = self.registry.deregister(&self.name, node).await {
            warn!(
                "{error:#}; the registry will drop {} when it expires",
                node.id
            );
        }
    }
}
// ANCHOR_END: registration
