//! `--registry consul|etcd|memory` and `--registry-address`: from a name to a registry.

use std::sync::Arc;
use std::time::Duration;

use crate::registry::Registry;

/// The registry called `kind`, at `address` when one is given, else at the registry's usual
/// place (Consul `127.0.0.1:8500`, etcd `127.0.0.1:2379`). etcd takes several members,
/// comma-separated. `ttl`: how long a registration lives without renewal.
pub async fn open_registry(
    kind: &str,
    address: Option<&str>,
    ttl: Duration,
) -> anyhow::Result<Arc<dyn Registry>> {
    // TODO: match on the kind: `ConsulRegistry::new(address, ttl)`,
    // `EtcdRegistry::connect(&endpoints, ttl).await` (the address split at ','),
    // `MemoryRegistry::new()`, and for anything else an error that names the three choices.
    todo!("open the {kind} registry at {address:?} (ttl {ttl:?})")
}
