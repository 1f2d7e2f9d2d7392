//! Exercise `deregister.keep-registered`: a registration that comes back.
//!
//! An agent can forget an instance that is alive and well: it restarted without its data
//! (every `consul agent -dev` does), someone deregistered the wrong ID, an operator cleaned
//! up. Nothing tells the instance, and from then on no caller finds it. go-micro's answer is
//! to register again and again (`RegisterInterval`, 30 s by default): registering an ID the
//! agent knows only replaces the entry, and one it forgot is back within an interval.
//! The loop must outlive the agent's absences, and must end when the server stops: one
//! more registration after the server's own deregistration would bring a dead instance back.

use std::future::Future;
use std::time::Duration;

use shared::registered::Registration;
use tracing::warn;

/// Registers at once, then again every `every`, until `stop` completes; then returns without
/// registering again. A registration that fails (the agent is down or restarting) is
/// logged, and the next one tries again.
pub async fn keep_registered(
    registration: &Registration,
    every: Duration,
    stop: impl Future<Output = ()>,
) {
    let mut stop = std::pin::pin!(stop);
    let mut rounds = tokio::time::interval(every);
    rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            () = &mut stop => return,
            _ = rounds.tick() => {}
        }
        // A stop that comes while the agent is slow to answer ends the round at once.
        tokio::select! {
            biased;
            () = &mut stop => return,
            registered = registration.register() => {
                if let Err(error) = registered {
                    warn!("{error:#}; trying again in {every:?}");
                }
            }
        }
    }
}
