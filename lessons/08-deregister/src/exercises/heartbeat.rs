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
/// moved since the last beat, and fails it (critical) when it has not; the first beat, with
/// nothing to compare, passes. The check's output says why, in words. An agent that does not
/// answer (give each request at most `every`) is logged, and the next beat tries again.
pub async fn heartbeat(
    client: &ConsulClient,
    check_id: &str,
    every: Duration,
    progress: &Progress,
    stop: impl Future<Output = ()>,
) {
    // TODO: the beats of the doc comment, until `stop`. A failed or slow request to the
    // agent is logged, never the end of the heartbeat.
    todo!("deregister.heartbeat: pass the TTL check only while the work loop moves")
}
