//! Feeding tonic's balanced channel from the watcher: an endpoint per passing instance.

use std::collections::BTreeSet;
use std::time::Duration;

use shared::discovery::Healthy;
use tokio::sync::{mpsc, watch};
use tonic::transport::Endpoint;
use tonic::transport::channel::Change;

/// Keeps the endpoints of a balanced channel (`Channel::balance_channel`) the same as the
/// passing instances the watcher reports, keyed by `host:port`: `Change::Insert` for an
/// instance that appears, `Change::Remove` as soon as one is gone — the channel never drops
/// an endpoint by itself, and keeps sending calls to a dead one.
///
/// Returns when the watcher ends or the channel is dropped.
pub async fn feed_balance(
    mut healthy: watch::Receiver<Healthy>,
    balance: mpsc::Sender<Change<String, Endpoint>>,
) {
    let mut current = BTreeSet::new();
    loop {
        let latest: BTreeSet<String> = healthy
            .borrow_and_update()
            .iter()
            .flatten()
            .filter(|entry| entry.service.port != 0)
            .map(|entry| entry.address())
            .collect();
        for gone in current.difference(&latest) {
            if balance.send(Change::Remove(gone.clone())).await.is_err() {
                return; // the channel is gone: nobody calls any more
            }
        }
        for new in latest.difference(&current) {
            let endpoint = match Endpoint::from_shared(format!("http://{new}")) {
                Ok(endpoint) => endpoint.connect_timeout(Duration::from_secs(1)),
                Err(error) => {
                    tracing::warn!(%new, %error, "not an address to call");
                    continue;
                }
            };
            if balance
                .send(Change::Insert(new.clone(), endpoint))
                .await
                .is_err()
            {
                return;
            }
        }
        current = latest;
        if healthy.changed().await.is_err() {
            return; // the watcher has stopped
        }
    }
}
