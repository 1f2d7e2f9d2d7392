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
use tracing::{info, warn};

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
    let failures_to_down = failures_to_down.max(1);
    let mut status = ServingStatus::NotServing;
    health.set_service_status(service, status).await;

    let mut stop = std::pin::pin!(stop);
    let mut rounds = tokio::time::interval(every);
    rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failures_in_a_row = 0;
    loop {
        tokio::select! {
            biased;
            () = &mut stop => return,
            _ = rounds.tick() => {}
        }
        let outcome = tokio::select! {
            biased;
            () = &mut stop => return,
            outcome = probe() => outcome,
        };
        let next = match outcome {
            Ok(()) => {
                failures_in_a_row = 0;
                ServingStatus::Serving
            }
            Err(why) => {
                failures_in_a_row += 1;
                if failures_in_a_row < failures_to_down {
                    warn!("{service}: probe failed ({why}), {failures_in_a_row} in a row");
                    status
                } else {
                    ServingStatus::NotServing
                }
            }
        };
        if next != status {
            info!("{service}: {status:?} → {next:?}");
            health.set_service_status(service, next).await;
            status = next;
        }
    }
}
