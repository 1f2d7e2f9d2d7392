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
    // TODO: keep the registration as the doc comment says. `stop` must win whenever it
    // comes — between two rounds or while a registration is still waiting for the agent —
    // and no registration may follow it.
    todo!("deregister.keep-registered: register again every `every` until stopped")
}
