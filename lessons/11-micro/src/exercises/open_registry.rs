//! `--registry consul|etcd|mdns|memory` and `--registry-address`: from a name to a registry.

use std::sync::Arc;
use std::time::Duration;

use micro::registry::Registry;

/// The registry called `kind`, at `address` when one is given, else at the registry's usual
/// place (Consul `127.0.0.1:8500`, etcd `127.0.0.1:2379`). etcd takes several members,
/// comma-separated (spaces around each ignored); mDNS takes the network interface it speaks
/// on (every one without it). `ttl`: how long a registration lives without renewal. Any
/// other kind is an error that names it and the four choices.
pub async fn open_registry(
    kind: &str,
    address: Option<&str>,
    ttl: Duration,
) -> anyhow::Result<Arc<dyn Registry>> {
    // TODO: open the registry `kind` names, as the doc comment says.
    todo!("open the {kind} registry at {address:?} (ttl {ttl:?})")
}
