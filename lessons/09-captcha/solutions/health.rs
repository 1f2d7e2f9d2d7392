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
    let mut verdicts = Verdicts::new(failures_to_down);
    health.set_service_status(service, verdicts.status).await;

    // A round is a pause and a probe, and the stop may come during either: the two race
    // it together, so that a probe that hangs cannot hold the stop up.
    let mut stop = std::pin::pin!(stop);
    let mut pause = Duration::ZERO; // the first probe at once
    loop {
        let round = async {
            tokio::time::sleep(pause).await;
            probe().await
        };
        let outcome = tokio::select! {
            biased;
            () = &mut stop => return,
            outcome = round => outcome,
        };
        pause = every;
        if let Err(why) = &outcome {
            warn!("{service}: probe failed ({why})");
        }
        if let Some(changed) = verdicts.after(outcome.is_ok()) {
            info!("{service}: now {changed:?}");
            health.set_service_status(service, changed).await;
        }
    }
}

/// What the follower keeps between rounds: the status it last set, and the failures since
/// the last success.
struct Verdicts {
    status: ServingStatus,
    failures_in_a_row: u32,
    failures_to_down: u32,
}

impl Verdicts {
    /// Nothing known yet: NOT_SERVING. Fewer than one failure to go down counts as one.
    fn new(failures_to_down: u32) -> Verdicts {
        Verdicts {
            status: ServingStatus::NotServing,
            failures_in_a_row: 0,
            failures_to_down: failures_to_down.max(1),
        }
    }

    /// The status after one more probe, when it differs from the one set last.
    fn after(&mut self, succeeded: bool) -> Option<ServingStatus> {
        let next = if succeeded {
            self.failures_in_a_row = 0;
            ServingStatus::Serving
        } else {
            self.failures_in_a_row += 1;
            if self.failures_in_a_row >= self.failures_to_down {
                ServingStatus::NotServing
            } else {
                self.status
            }
        };
        (next != self.status).then(|| {
            self.status = next;
            next
        })
    }
}
