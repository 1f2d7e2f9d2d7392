//! Waiting, without polling, until enough instances of a service pass their checks.

use std::time::Duration;

use consul_ext::ServiceEntry;
use tokio::time::Instant;

/// Waits until at least `at_least` instances of `service` pass on the agent at `agent` (a
/// base URL), for at most about `limit`, and returns the passing instances.
///
/// Blocking queries, not polling: the agent answers when the passing set changes, so the
/// wait costs a request per change, not one every few milliseconds.
pub async fn wait_for_passing(
    agent: &str,
    service: &str,
    at_least: usize,
    limit: Duration,
) -> Result<Vec<ServiceEntry>, WaitError> {
    // TODO: wait as the doc comment says, and never much longer than `limit`, however late
    // the agent answers. Time up: `WaitError::TimedOut`, saying how many passed at the last
    // answer. The agent failing: `WaitError::Agent`, at once.
    todo!("wait with blocking queries until enough instances pass")
}

/// Why [`wait_for_passing`] gave up.
#[derive(Debug)]
pub enum WaitError {
    /// Fewer than `wanted` instances passed when the time was up.
    TimedOut {
        service: String,
        wanted: usize,
        passing: usize,
        after: Duration,
    },
    /// The agent could not be asked (it is down, say).
    Agent(consul_ext::Error),
}

impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WaitError::TimedOut {
                service,
                wanted,
                passing,
                after,
            } => write!(
                f,
                "{passing} passing instance(s) of {service:?} after {after:?}, {wanted} wanted"
            ),
            WaitError::Agent(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Agent(error) => Some(error),
            WaitError::TimedOut { .. } => None,
        }
    }
}
