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
    // TODO: loop forever: grant a lease (`client.lease_grant(seconds, None)` through
    // `etcd.any(...)`), put the key with it (`PutOptions::new().with_lease(id)`), publish
    // `Some(id)`, then renew with `client.lease_keep_alive(id)` until an answer has
    // `ttl() <= 0` or the stream ends; publish `None` and start over. With each renewal,
    // one transaction (`client.txn`): unless the key holds `value` with this lease, put it.
    let _ = (etcd, value, leases);
    todo!("keep {key} alive with a lease of {ttl:?}")
}
