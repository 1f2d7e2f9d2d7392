//! Alive or ready: two questions an orchestrator asks a replica, and why their answers differ.
//!
//! An orchestrator asks a replica two things. *Is it alive?* — if not, kill it and start
//! another. *Is it ready?* — if not, send it no calls and do not count it as up (a rolling
//! update waits for it; a Kubernetes Service leaves it out). Kubernetes asks each with a probe
//! of its own (`livenessProbe`, `readinessProbe`); a swarm's one health check gates updates and
//! restarts tasks both, which is why what it asks must be chosen with care. The two answers
//! come from what the replica knows of itself, and mixing them up is how a cluster hurts
//! itself: a liveness that asks Redis restarts every replica at once when Redis blinks, and a
//! readiness that believes one good probe flaps in and out of every caller's view.

use std::time::Duration;

// ANCHOR: contract
/// An event loop that has not ticked for longer than this is stuck: the replica is not alive.
pub const STUCK_AFTER: Duration = Duration::from_secs(10);

/// A dependency not reached for longer than this is lost. One slow round trip is not a loss.
pub const LOST_AFTER: Duration = Duration::from_secs(3);

/// A dependency lost and then reached again is trusted once the checks have found it reached,
/// every one of them, for this long, counted from the first check that found it back.
pub const STEADY_FOR: Duration = Duration::from_secs(5);

/// What a replica knows of itself at one moment. Every moment is counted from the replica's
/// start; they are read from several tasks, so one may be a little later than `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Facts {
    /// The moment of the check.
    pub now: Duration,
    /// The last time the replica's event loop ticked.
    pub last_tick: Duration,
    /// The last time the registry took the replica's registration (or its renewal).
    pub registered: Option<Duration>,
    /// The last time Redis answered.
    pub redis: Option<Duration>,
    /// When the replica began to drain (on its stop signal), if it has.
    pub draining_since: Option<Duration>,
}

/// What a replica needs to answer calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependency {
    Registry,
    Redis,
}

/// Why a replica is not alive, or not ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The event loop has not ticked for `quiet`.
    Stuck { quiet: Duration },
    /// The replica is stopping: callers must go elsewhere.
    Draining,
    /// Not reached once since the start.
    NotYet(Dependency),
    /// Not reached for `quiet`, longer than [`LOST_AFTER`].
    Lost {
        dependency: Dependency,
        quiet: Duration,
    },
    /// Lost, then found reached again by every check for `steady`, less than [`STEADY_FOR`].
    Settling {
        dependency: Dependency,
        steady: Duration,
    },
}

/// The two answers of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub alive: Result<(), Reason>,
    pub ready: Result<(), Reason>,
}
// ANCHOR_END: contract

/// Answers the orchestrator's two questions, check after check.
#[derive(Debug, Default)]
pub struct Probe {
    // TODO: what a probe must remember from one check to the next.
}

impl Probe {
    /// A probe that has checked nothing yet.
    pub fn new() -> Probe {
        Probe::default()
    }

    /// The answers at `facts.now`.
    ///
    /// **Alive** unless the event loop has not ticked for longer than [`STUCK_AFTER`]: nothing
    /// else, since a restart mends only what is wrong inside the replica.
    ///
    /// **Ready** only when alive, not draining, and each dependency is trusted. A dependency is
    /// trusted once first reached; lost when not reached for longer than [`LOST_AFTER`]; and,
    /// once lost, trusted again only after [`STEADY_FOR`] of checks that all found it reached.
    /// The reason given is the first that holds, in this order: stuck, draining, the
    /// registry's, Redis's.
    pub fn check(&mut self, facts: &Facts) -> Health {
        // TODO: the two answers, each with its reason. Liveness asks whether a restart would
        // help; readiness whether a caller would be served — and neither may flap.
        todo!("tell alive from ready at {:?}", facts.now)
    }
}
