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
    // TODO: keep the channel's endpoints equal to the passing set, from the set the watcher
    // holds now through every one it publishes later. Stop when either side has gone away.
    todo!("keep the balanced channel's endpoints the same as the passing instances")
}
