//! Exercise `captcha.health`: health that follows a probe, without flapping.
//!
//! The worked example's `follow_redis` turns NOT_SERVING at the first failed PING. On a busy
//! network one PING in a thousand is lost, and each loss would take a healthy instance out
//! of discovery until the next check. Write a follower that is slow to go down and quick to
//! come back: NOT_SERVING only after `failures_to_down` failures in a row, SERVING again at
//! the first success. It takes any probe (a PING of Redis, in the service), so a test can
//! script one.

use std::time::Duration;

use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

/// Sets `service`'s health from `probe`, once every `every`, until `stop` completes:
///
/// - before the first probe, the status is NOT_SERVING (nothing is known yet);
/// - a success sets SERVING at once;
/// - `failures_to_down` failures in a row (at least one) set NOT_SERVING; a success in
///   between starts the count again;
/// - `stop` ends it at once, even while a probe is still running.
pub async fn follow<P, F>(
    mut probe: P,
    health: HealthReporter,
    service: &str,
    every: Duration,
    failures_to_down: u32,
    stop: impl Future<Output = ()>,
) where
    P: FnMut() -> F,
    F: Future<Output = Result<(), String>>,
{
    // TODO: follow the probe by the rules of the doc comment. Watchers hear only changes:
    // the same status is not set twice in a row.
    todo!("follow {service:?}'s health every {every:?}")
}
