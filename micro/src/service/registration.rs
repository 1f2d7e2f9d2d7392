//! How a service of the framework appears in the registry and leaves it, whatever it serves:
//! a name, a version and the address others call it at, written down as a [`Node`] while
//! it runs.
//!
//! The gRPC [`Service`](super::Service) and the [`WebService`](crate::web::WebService)
//! differ in what they serve and in how they drain; this part they share.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tracing::{info, warn};

use crate::registry::{Node, Registry};
use crate::service::advertise::{advertised, interfaces};
use crate::service::patience::retry_until;

// ANCHOR: registration
/// A service's name, version and address, and the registry it is written down in.
pub struct Registration {
    pub name: String,
    /// The version every node of this build says it runs.
    pub version: String,
    pub registry: Arc<dyn Registry>,
    /// Where to listen: `host:port` (port 0: any free port).
    pub address: String,
    /// The address to register instead of the one listened on (go-micro's
    /// `--server_advertise`): `host:port`, or `host` alone for the port listened on. `None`:
    /// the address listened on, or for `0.0.0.0` one of the host's (see
    /// [`advertised`](crate::service::advertise::advertised)). A host name is for the
    /// registries that keep the address as text (etcd, memory): Consul's and mDNS's
    /// records want an IP address.
    pub advertise: Option<String>,
    /// How long to keep trying to register while the registry does not answer
    /// (`--registry-wait`); zero: one try.
    pub registry_wait: Duration,
}

impl Registration {
    /// Listens on the address, and describes the node that answers there: its address is
    /// the one others can call it at, and its id is the name, that address's host and the
    /// port (`greeter-127.0.0.1-7011`), unique on the network.
    pub async fn listen(
        &self,
        metadata: BTreeMap<String, String>,
    ) -> anyhow::Result<(TcpListener, Node)> {
        let listener = shared::listen::listen(&self.address).await?;
        let listening = listener.local_addr()?;
        let (host, port) = self.to_advertise(listening)?;
        let address = match host.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, port).to_string(),
            Err(_) => format!("{host}:{port}"),
        };
        // (Not "listening on": that line, logged once the node is known, gives the address
        // to call, and the course's tests read it from the log.)
        if address != listening.to_string() {
            info!("advertising {address} for the socket bound to {listening}");
        }
        let node = Node {
            id: format!("{}-{}-{}", self.name, host, port),
            address,
            version: self.version.clone(),
            metadata,
            endpoints: Vec::new(),
        };
        Ok((listener, node))
    }

    /// The host (an IP address or a name) and the port to register for a service listening
    /// on `listening`.
    fn to_advertise(&self, listening: SocketAddr) -> anyhow::Result<(String, u16)> {
        let Some(advertise) = &self.advertise else {
            let addr = advertised(listening, &interfaces())?;
            return Ok((addr.ip().to_string(), addr.port()));
        };
        let (host, port) = split_advertise(advertise.trim(), listening.port())
            .with_context(|| format!("cannot advertise {advertise:?}: write HOST or HOST:PORT"))?;
        if host.parse::<IpAddr>().is_ok_and(|ip| ip.is_unspecified()) {
            anyhow::bail!(
                "cannot advertise {advertise:?}: that is every address of a host, not one to \
                 call"
            );
        }
        Ok((host.to_string(), port))
    }

    /// Writes `node` down: from now on, callers find it. While the registry does not
    /// answer, tries again for up to `registry_wait`.
    pub async fn register(&self, node: &Node) -> anyhow::Result<()> {
        retry_until(self.registry_wait, || {
            self.registry.register(&self.name, node)
        })
        .await?;
        info!("registered {} in {}", node.id, self.registry.describe());
        Ok(())
    }

    /// [`register`](Self::register), unless `shutdown` comes first: a service told to stop
    /// while it still waits for its registry (`docker stop` on a container whose etcd never
    /// came up) stops at once instead of after its wait. `false`: it was stopped.
    pub async fn register_unless_stopped(
        &self,
        node: &Node,
        shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
    ) -> anyhow::Result<bool> {
        tokio::select! {
            registered = self.register(node) => registered.map(|()| true),
            () = shutdown => {
                info!("stopped before {} was registered", node.id);
                Ok(false)
            }
        }
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

/// An advertise address as host and port: `10.0.0.5:7021`, `[fd00::5]:7021`, `host-a:7021`,
/// or a host alone (`10.0.0.5`, `fd00::5`, `host-a`) with `port`, the one listened on.
fn split_advertise(advertise: &str, port: u16) -> Option<(&str, u16)> {
    if let Ok(addr) = advertise.parse::<SocketAddr>() {
        let host = advertise.rsplit_once(':')?.0;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        return Some((host, addr.port()));
    }
    if advertise.parse::<IpAddr>().is_ok() {
        return Some((advertise, port));
    }
    let (host, port) = match advertise.split_once(':') {
        Some((host, typed)) => (host, typed.parse().ok().filter(|port| *port != 0)?),
        None => (advertise, port),
    };
    let name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    (!host.is_empty() && host.chars().all(name)).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::memory::MemoryRegistry;

    fn registration(address: &str, advertise: Option<&str>) -> Registration {
        Registration {
            name: "svc".to_string(),
            version: "1".to_string(),
            registry: Arc::new(MemoryRegistry::new()),
            address: address.to_string(),
            advertise: advertise.map(str::to_string),
            registry_wait: Duration::ZERO,
        }
    }

    #[tokio::test]
    async fn a_specific_address_is_registered_as_it_is() {
        let (listener, node) = registration("127.0.0.1:0", None)
            .listen(BTreeMap::new())
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        assert_eq!(node.address, format!("127.0.0.1:{port}"));
        assert_eq!(node.id, format!("svc-127.0.0.1-{port}"));
    }

    #[tokio::test]
    async fn an_advertise_address_is_registered_instead() {
        let (listener, node) = registration("127.0.0.1:0", Some("host-a:7021"))
            .listen(BTreeMap::new())
            .await
            .unwrap();
        assert_eq!(
            (node.address.as_str(), node.id.as_str()),
            ("host-a:7021", "svc-host-a-7021")
        );
        drop(listener);
        let (listener, node) = registration("127.0.0.1:0", Some("10.0.0.5"))
            .listen(BTreeMap::new())
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        assert_eq!(node.address, format!("10.0.0.5:{port}"));
        assert_eq!(node.id, format!("svc-10.0.0.5-{port}"));
    }

    #[tokio::test]
    async fn an_advertise_address_nobody_can_call_is_refused() {
        for bad in ["0.0.0.0:7021", "host a", "host-a:0"] {
            let error = registration("127.0.0.1:0", Some(bad))
                .listen(BTreeMap::new())
                .await
                .expect_err(bad);
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("cannot advertise {bad:?}")),
                "{error}"
            );
        }
    }

    #[test]
    fn an_advertise_address_with_or_without_its_port() {
        assert_eq!(
            split_advertise("10.0.0.5:7021", 1),
            Some(("10.0.0.5", 7021))
        );
        assert_eq!(split_advertise("10.0.0.5", 7021), Some(("10.0.0.5", 7021)));
        assert_eq!(
            split_advertise("[fd00::5]:7021", 1),
            Some(("fd00::5", 7021))
        );
        assert_eq!(split_advertise("fd00::5", 7021), Some(("fd00::5", 7021)));
        assert_eq!(split_advertise("host-a:7021", 1), Some(("host-a", 7021)));
        assert_eq!(split_advertise("host-a", 7021), Some(("host-a", 7021)));
        for bad in [
            "",
            ":7021",
            "host-a:0",
            "host-a:x",
            "host a",
            "http://host-a",
        ] {
            assert_eq!(split_advertise(bad, 7021), None, "{bad:?}");
        }
    }
}
