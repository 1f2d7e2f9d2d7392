//! Keeping one key alive in etcd with a lease, and writing it again when the lease is lost
//! or when someone else changed or deleted the key.

use std::time::Duration;

use tokio::sync::watch;

use micro::registry::etcd::Members;

/// Writes `key` = `value` with a lease of `ttl`, renews the lease every `ttl / 3`, and when
/// the lease is lost (etcd answers a keep-alive with TTL 0, or the keep-alive stream ends),
/// grants a new one and writes the key again. At each renewal, writes the key back if it no
/// longer holds `value` with this lease (overwritten or deleted from outside). Publishes the
/// current lease on `leases` (`None` while there is none). Runs until the task is aborted.
pub async fn keep_lease(
    etcd: Members,
    key: String,
    value: String,
    ttl: Duration,
    leases: watch::Sender<Option<i64>>,
) {
    // TODO: keep the key as the doc comment says. Nothing ends it but an abort: a lost
    // lease, a member that does not answer, a key changed behind your back are all things
    // to recover from. Checking the key and putting it back must be one step in etcd, so
    // that a write from outside between the two is not lost.
    let _ = (etcd, value, leases);
    todo!("keep {key} alive with a lease of {ttl:?}")
}
