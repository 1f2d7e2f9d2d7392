//! `--registry consul|etcd|mdns|memory` and `--registry-address`: from a name to a registry.

use std::sync::Arc;
use std::time::Duration;

use micro::registry::Registry;

/// The registry called `kind`, at `address` when one is given, else at the registry's usual
/// place (Consul `127.0.0.1:8500`, etcd `127.0.0.1:2379`). etcd takes several members,
/// comma-separated; mDNS takes the network interface it speaks on (every one without it).
/// `ttl`: how long a registration lives without renewal.
pub async fn open_registry(
    kind: &str,
    address: Option<&str>,
    ttl: Duration,
) -> anyhow::Result<Arc<dyn Registry>> {
    // TODO: match on the kind: `ConsulRegistry::new(address, ttl)`,
    // `EtcdRegistry::connect(&endpoints, ttl).await` (the address split at ','),
    // `MdnsRegistry::new(address, ttl)`, `MemoryRegistry::new()`, and for anything else an
    // error that names the four choices.
    todo!("open the {kind} registry at {address:?} (ttl {ttl:?})")
}
