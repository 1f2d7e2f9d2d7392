//! Keeping one key alive in etcd with a lease, and writing it again when the lease is lost
//! or when someone else changed or deleted the key.

use std::time::Duration;

use etcd_client::{Compare, CompareOp, PutOptions, Txn, TxnOp};
use tokio::sync::watch;
use tracing::{info, warn};

use crate::registry::etcd::Members;

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
    let seconds = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX).max(1);
    loop {
        match grant_and_put(&etcd, &key, &value, seconds).await {
            Ok(lease) => {
                leases.send_replace(Some(lease));
                renew(&etcd, &key, &value, lease, ttl).await;
                leases.send_replace(None);
                info!(%key, "lease {lease:x} lost; registering again");
            }
            Err(error) => {
                warn!(%key, %error, "cannot register; trying again");
                tokio::time::sleep(ttl / 3).await;
            }
        }
    }
}

async fn grant_and_put(
    etcd: &Members,
    key: &str,
    value: &str,
    seconds: i64,
) -> Result<i64, etcd_client::Error> {
    let lease = etcd
        .any(|mut client| async move { client.lease_grant(seconds, None).await })
        .await?
        .id();
    let options = PutOptions::new().with_lease(lease);
    etcd.any(|mut client| {
        let options = options.clone();
        async move { client.put(key, value, Some(options)).await }
    })
    .await?;
    Ok(lease)
}

/// Renews `lease` (and keeps `key` = `value` on it) until the lease is lost; returns then.
async fn renew(etcd: &Members, key: &str, value: &str, lease: i64, ttl: Duration) {
    let opened = etcd
        .any(|mut client| async move { client.lease_keep_alive(lease).await })
        .await;
    let Ok((mut keeper, mut answers)) = opened else {
        return;
    };
    let mut every = tokio::time::interval(ttl / 3);
    loop {
        tokio::select! {
            _ = every.tick() => {
                if keeper.keep_alive().await.is_err() {
                    return;
                }
                match write_back(etcd, key, value, lease).await {
                    Ok(true) => warn!(%key, "the key was changed or deleted; written back"),
                    Ok(false) => {}
                    Err(error) => warn!(%key, %error, "cannot check the key; next round"),
                }
            }
            answer = answers.message() => match answer {
                Ok(Some(answer)) if answer.ttl() > 0 => {}
                _ => return, // TTL 0: the lease is gone; or the stream broke
            },
        }
    }
}

/// One transaction: if `key` does not hold `value` with `lease`, put it back. Whether it had
/// to. (A value compared on a key that does not exist is never equal: a deleted key is put
/// back too.)
async fn write_back(
    etcd: &Members,
    key: &str,
    value: &str,
    lease: i64,
) -> Result<bool, etcd_client::Error> {
    let unchanged = [
        Compare::value(key, CompareOp::Equal, value),
        Compare::lease(key, CompareOp::Equal, lease),
    ];
    let put_back = TxnOp::put(key, value, Some(PutOptions::new().with_lease(lease)));
    let txn = Txn::new().when(unchanged).or_else([put_back]);
    let answer = etcd
        .any(|mut client| {
            let txn = txn.clone();
            async move { client.txn(txn).await }
        })
        .await?;
    Ok(!answer.succeeded())
}
