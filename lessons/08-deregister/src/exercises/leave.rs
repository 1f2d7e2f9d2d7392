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
    // TODO: the three steps of the doc comment, in its order, within the one grace;
    // `stopping` holds what each one needs. The test watches them from outside while calls
    // are still in flight, and with an agent that never answers the deregistration.
    todo!("deregister.leave: NOT_SERVING, deregister, drain, all within the grace")
}
