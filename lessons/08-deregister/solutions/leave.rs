//! Exercise `deregister.leave`: the stop sequence of a registered server, within the time
//! it is given.
//!
//! When a registered server is told to stop, callers must stop coming before it stops
//! answering. The order is what matters: NOT_SERVING first (the agent's check and every
//! health watcher hear that no new calls should come), then deregister (the catalog forgets
//! the instance, so discovery stops handing it out), and only then drain (no new
//! connections; the calls in flight finish).
//!
//! The worked example (`shared::registered`) gives the agent up to five seconds and then
//! the drain its own grace. Whoever stops a server does not count that way: systemd's
//! `TimeoutStopSec`, Docker's `stop --time` and Kubernetes' grace period all count from
//! the signal, and at the end of it the process is killed, whatever step it is at. So
//! here the grace is the whole stop's: an agent slow to answer leaves less time for the
//! drain, and never makes the stop longer.
//!
//! `cargo run -p l08-deregister -- server --exercise leave` stops with this function.

use tonic_health::ServingStatus;
use tracing::{info, warn};

use crate::server::{GREETER, Stopping};

/// Stops the server described by `stopping`, all within `stopping.grace` from the call:
/// health NOT_SERVING (for `hello.Greeter` and for the whole server, `""`), then deregister
/// (an agent that fails or does not answer in time is logged, not fatal), then drain,
/// cutting off the calls still running when the grace is over. Returns the server's error
/// if it failed; a stop cut off at the deadline is not an error.
pub async fn leave(stopping: Stopping<'_>) -> anyhow::Result<()> {
    let Stopping {
        health,
        registration,
        start_draining,
        mut server,
        grace,
    } = stopping;
    // One deadline for every step, counted from the stop as whoever stops us counts it.
    let deadline = tokio::time::Instant::now() + grace;

    info!("1/3 health is NOT_SERVING");
    for service in [GREETER, ""] {
        health
            .set_service_status(service, ServingStatus::NotServing)
            .await;
    }

    info!("2/3 deregistering {}", registration.instance.id);
    match tokio::time::timeout_at(deadline, registration.deregister()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            warn!("{error:#}; the agent will reap the instance once its check is critical");
        }
        Err(_) => warn!("the agent did not answer the deregistration within {grace:?}"),
    }

    info!("3/3 draining for what is left of {grace:?}");
    let _ = start_draining.send(());
    match tokio::time::timeout_at(deadline, &mut server).await {
        Ok(Ok(served)) => Ok(served?),
        Ok(Err(panicked)) => Err(panicked.into()),
        Err(_) => {
            warn!("calls still open after {grace:?}; closing them");
            server.abort();
            Ok(())
        }
    }
}
