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
    let deadline = Instant::now() + limit;
    let mut index = 0; // the first question is answered at once
    let mut passing = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let question = consul_ext::watch_healthy_instances(agent, service, None, index, left);
        // The agent may hold a blocking query up to wait/16 longer than asked: the deadline
        // is ours to keep.
        let answer = match tokio::time::timeout_at(deadline, question).await {
            Ok(answer) => answer.map_err(WaitError::Agent)?,
            Err(_) => break,
        };
        if answer.entries.len() >= at_least {
            return Ok(answer.entries);
        }
        passing = answer.entries.len();
        if Instant::now() >= deadline {
            break;
        }
        // Unchanged (the wait ended) or not enough yet: ask again from the new index. An
        // index of 0 (it went backwards) is answered at once.
        index = answer.index;
    }
    Err(WaitError::TimedOut {
        service: service.to_string(),
        wanted: at_least,
        passing,
        after: limit,
    })
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
