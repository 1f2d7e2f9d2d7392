//! `--registry consul|etcd|mdns|memory` and `--registry-address`: from a name to a registry.

use std::sync::Arc;
use std::time::Duration;

use crate::registry::Registry;
use crate::registry::consul::ConsulRegistry;
use crate::registry::etcd::EtcdRegistry;
use crate::registry::etcd::address::endpoints;
use crate::registry::mdns::MdnsRegistry;
use crate::registry::memory::MemoryRegistry;

/// The registry called `kind`, at `address` when one is given, else at the registry's usual
/// place (Consul `127.0.0.1:8500`, etcd `127.0.0.1:2379`). etcd takes several members,
/// comma-separated, each read by [`endpoints`] (which refuses what cannot work); mDNS
/// takes the network interface it speaks on (every one without it).
/// `ttl`: how long a registration lives without renewal.
pub async fn open_registry(
    kind: &str,
    address: Option<&str>,
    ttl: Duration,
) -> anyhow::Result<Arc<dyn Registry>> {
    let address = address.map(str::trim).filter(|address| !address.is_empty());
    match kind.trim().to_ascii_lowercase().as_str() {
        "consul" => {
            let address = address.unwrap_or(consul_ext::DEFAULT_ADDRESS);
            Ok(Arc::new(ConsulRegistry::new(address, ttl)?))
        }
        "etcd" => {
            // Each member checked as it is read: a typo is one clear line now, not a
            // connection error later.
            let endpoints = endpoints(address.unwrap_or("127.0.0.1:2379"))?;
            Ok(Arc::new(EtcdRegistry::connect(&endpoints, ttl).await?))
        }
        "mdns" => Ok(Arc::new(MdnsRegistry::new(address, ttl)?)),
        "memory" => Ok(Arc::new(MemoryRegistry::new())),
        other => anyhow::bail!("unknown registry {other:?}: choose consul, etcd, mdns or memory"),
    }
}
