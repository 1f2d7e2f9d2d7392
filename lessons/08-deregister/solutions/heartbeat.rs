//! Exercise `deregister.heartbeat`: a TTL check passed only while the work goes on.
//!
//! A heartbeat that passes its TTL check on a timer, whatever happens, proves only that the
//! timer runs: a work loop stuck on a lock or an endless retry keeps looking healthy. A
//! watchdog ties the two together: the work loop counts its rounds ([`Progress`]), and each
//! beat passes the check only if the count moved since the beat before. When the loop is
//! stuck, the check turns critical, callers are sent elsewhere, and the instance is reaped
//! if it never recovers. When the loop moves again, the next beat passes again.

use std::future::Future;
use std::time::Duration;

use consulrs::api::check::requests::TtlCheckUpdateRequest;
use consulrs::client::ConsulClient;
use tracing::warn;

use crate::ttl::Progress;

/// Every `every` until `stop` completes: passes the TTL check `check_id` when `progress` has
/// moved since the last beat, and fails it (critical) when it has not. An agent that does not
/// answer (give each request at most `every`) is logged, and the next beat tries again.
pub async fn heartbeat(
    client: &ConsulClient,
    check_id: &str,
    every: Duration,
    progress: &Progress,
    stop: impl Future<Output = ()>,
) {
    let mut stop = std::pin::pin!(stop);
    let mut beats = tokio::time::interval(every);
    let mut last_count = None;
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = beats.tick() => {}
        }
        let count = progress.count();
        let (status, output) = if last_count == Some(count) {
            ("critical", format!("work loop stuck at round {count}"))
        } else {
            ("passing", format!("work loop at round {count}"))
        };
        last_count = Some(count);
        let mut update = TtlCheckUpdateRequest::builder();
        update.output(output);
        let request = consulrs::check::set_status(client, check_id, status, Some(&mut update));
        match tokio::time::timeout(every, request).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => warn!("cannot update the TTL check {check_id}: {error}"),
            Err(_) => warn!("the agent did not answer within {every:?}"),
        }
    }
}
