//! The stop under a grace period: leave the registry, let the callers forget, finish the
//! calls, and be gone before the orchestrator's SIGKILL.
//!
//! An orchestrator stops a replica (an update, a drained node, a scale-down) with SIGTERM,
//! then waits `stop_grace_period` (Kubernetes: `terminationGracePeriodSeconds`) and sends
//! SIGKILL. Everything a clean stop does must fit in between: callers still hold the
//! replica's address for a while after it leaves the registry (their cached view, the
//! entry's TTL), so it must go on answering them; then the calls it took must end. A stop
//! that closes its listener at SIGTERM fails the callers who have not heard yet; one that
//! waits on a registry that does not answer, or on a call that never ends, is killed with its
//! calls in flight.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

// ANCHOR: contract
/// How a replica stops, checked against the grace period it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    grace: Duration,
    forget: Duration,
    margin: Duration,
}

/// A grace period too short for the stop it must hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "stop_grace_period {grace:?} is shorter than the {needed:?} the stop needs: {forget:?} \
     for callers to forget the address, {slowest_call:?} for the slowest call, {margin:?} of \
     margin before SIGKILL"
)]
pub struct TooShort {
    pub grace: Duration,
    pub needed: Duration,
    pub forget: Duration,
    pub slowest_call: Duration,
    pub margin: Duration,
}

/// The replica's entry in the registry.
pub trait Registry {
    /// Takes the entry out. A registry that is down may fail, or never answer.
    fn deregister(&mut self) -> impl Future<Output = anyhow::Result<()>>;
}

/// The replica's server.
pub trait Server {
    /// Takes no new call from now on; the calls taken go on.
    fn stop_accepting(&mut self);
    /// How many calls taken have not ended yet.
    fn in_flight(&self) -> usize;
    /// Ends once the server has stopped accepting and no call is in flight.
    fn drained(&self) -> impl Future<Output = ()>;
}

/// How a stop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    /// The registry said the entry is gone, before the stop ended.
    pub deregistered: bool,
    /// Calls still in flight when the stop ended: the exit cuts them off.
    pub abandoned: usize,
    /// A second signal ended the stop early.
    pub hurried: bool,
}
// ANCHOR_END: contract

impl Plan {
    /// A plan for a replica given `grace` between SIGTERM and SIGKILL, whose callers may use
    /// its address for up to `forget` after the signal, whose calls take up to
    /// `slowest_call`, and which must be gone `margin` before SIGKILL. Refused when the three
    /// do not fit in the grace period (exactly fitting is fine).
    pub fn new(
        grace: Duration,
        forget: Duration,
        slowest_call: Duration,
        margin: Duration,
    ) -> Result<Plan, TooShort> {
        // Durations from a configuration can be anything: adding them must not overflow.
        let needed = forget
            .checked_add(slowest_call)
            .and_then(|sum| sum.checked_add(margin));
        match needed {
            Some(needed) if needed <= grace => Ok(Plan {
                grace,
                forget,
                margin,
            }),
            _ => Err(TooShort {
                grace,
                needed: needed.unwrap_or(Duration::MAX),
                forget,
                slowest_call,
                margin,
            }),
        }
    }
}

/// The stop, called at the first SIGTERM: deregisters at once, goes on serving until the
/// callers have forgotten the address (`forget` after the signal), then takes no new call and
/// waits for the calls in flight — never past `margin` before SIGKILL, and no longer than
/// they take. `again` is the second signal: it ends the stop at once.
pub async fn stop(
    plan: &Plan,
    registry: &mut impl Registry,
    server: &mut impl Server,
    again: impl Future<Output = ()>,
) -> Stopped {
    let start = Instant::now();
    let forgotten = start + plan.forget;
    let deadline = start + plan.grace - plan.margin;

    // The deregistration runs beside the waits, never before them: a registry that does not
    // answer must not eat the grace period. Both futures are polled in two phases, so they
    // are pinned once, here.
    let mut deregistering = pin!(registry.deregister());
    let mut deregistered = None;
    let mut again = pin!(again);

    // Phase 1: callers that have not heard still call; answer them.
    let mut hurried = loop {
        tokio::select! {
            result = &mut deregistering, if deregistered.is_none() => {
                deregistered = Some(result.is_ok());
            }
            () = sleep_until(forgotten) => break false,
            () = &mut again => break true,
        }
    };

    server.stop_accepting();

    // Phase 2: no new call; the ones taken end, or the deadline comes. A second signal that
    // came already is not waited for again (a finished future must not be polled).
    if !hurried {
        hurried = loop {
            tokio::select! {
                result = &mut deregistering, if deregistered.is_none() => {
                    deregistered = Some(result.is_ok());
                }
                () = server.drained() => break false,
                () = sleep_until(deadline) => break false,
                () = &mut again => break true,
            }
        };
    }

    Stopped {
        deregistered: deregistered.unwrap_or(false),
        abandoned: server.in_flight(),
        hurried,
    }
}
