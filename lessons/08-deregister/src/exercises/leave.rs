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
/// fatal), then drain for at most `stopping.grace`, cutting off the calls still running
/// then. Returns the server's error if it failed; a drain cut off at the deadline is not an
/// error.
pub async fn leave(stopping: Stopping<'_>) -> anyhow::Result<()> {
    // TODO: the three steps of the doc comment, in its order; `stopping` holds what each
    // one needs. The test watches them from outside while calls are still in flight.
    todo!("deregister.leave: NOT_SERVING, deregister, drain with a deadline")
}
