//! Exercise `deregister.leave`: the stop sequence of a registered server.
//!
//! When a registered server is told to stop, callers must stop coming before it stops
//! answering. The order is what matters: NOT_SERVING first (the agent's check and every
//! health watcher hear that no new calls should come), then deregister (the catalog forgets
//! the instance, so discovery stops handing it out), and only then drain (no new
//! connections; the calls in flight finish). The drain has a deadline, so one endless call
//! cannot keep the server up.
//!
//! `cargo run -p l08-deregister -- server --exercise leave` stops with this function.

use tonic_health::ServingStatus;
use tracing::{info, warn};

use crate::server::{GREETER, Stopping};

/// Stops the server described by `stopping`: health NOT_SERVING (for `hello.Greeter` and for
/// the whole server, `""`), then deregister (an agent that fails to answer is logged, not
/// fatal), then drain for at most `stopping.grace`. Returns the server's error if it failed;
/// a drain cut off at the deadline is not an error.
pub async fn leave(stopping: Stopping<'_>) -> anyhow::Result<()> {
    let Stopping {
        health,
        registration,
        start_draining,
        mut server,
        grace,
    } = stopping;

    info!("1/3 health is NOT_SERVING");
    for service in [GREETER, ""] {
        health
            .set_service_status(service, ServingStatus::NotServing)
            .await;
    }

    info!("2/3 deregistering {}", registration.instance.id);
    if let Err(error) = registration.deregister().await {
        warn!("{error:#}; the agent will reap the instance once its check is critical");
    }

    info!("3/3 draining for at most {grace:?}");
    let _ = start_draining.send(());
    match tokio::time::timeout(grace, &mut server).await {
        Ok(Ok(served)) => Ok(served?),
        Ok(Err(panicked)) => Err(panicked.into()),
        Err(_) => {
            warn!("calls still open after {grace:?}; closing them");
            server.abort();
            Ok(())
        }
    }
}
