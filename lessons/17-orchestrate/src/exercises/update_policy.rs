//! A rolling update's policy, written from what is known of the service.
//!
//! `docker service update` (and `docker stack deploy` with a new image) replaces a service's
//! replicas as its `update_config` says: how many at a time (`parallelism`), how long to wait
//! between batches (`delay`), whether a new replica starts before its old one stops
//! (`order`), how long to watch each new one for failure (`monitor`), and what to do when
//! too many fail (`failure_action`, `max_failure_ratio`). Kubernetes says the same with a
//! Deployment's `maxSurge`, `maxUnavailable` and `minReadySeconds`, and `kubectl rollout
//! undo`. Docker's defaults (stop-first, a monitor of 5 s, `pause` on failure) are chosen for
//! no service in particular; the numbers that keep a call history clean follow from the
//! service's own.

use std::time::Duration;

// ANCHOR: contract
/// A service's health check, as its compose file gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthCheck {
    /// Between the end of one probe and the start of the next.
    pub interval: Duration,
    /// How long a probe may take before it counts as failed.
    pub timeout: Duration,
    /// Failures in this first stretch after the start do not count.
    pub start_period: Duration,
    /// Consecutive failures that make the replica unhealthy.
    pub retries: u32,
}

/// What is known of a service to be updated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    /// Replicas the service runs.
    pub replicas: u32,
    /// Replicas that must be answering at every moment to carry the load.
    pub needed: u32,
    /// Nodes the service may be placed on.
    pub nodes: u32,
    /// It publishes a port in host mode: one replica a node, since two cannot bind it.
    pub host_port: bool,
    /// Its health check, if it has one.
    pub health: Option<HealthCheck>,
    /// How often callers read the registry again: until then, they call the replicas they
    /// knew.
    pub refresh: Duration,
    /// The old and the new version may answer calls at the same time.
    pub side_by_side: bool,
}

/// Whether a new replica starts before the old one stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    StartFirst,
    StopFirst,
}

/// What the swarm does when the update fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureAction {
    Pause,
    Continue,
    Rollback,
}

/// A service's `update_config`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpdateConfig {
    pub parallelism: u32,
    pub delay: Duration,
    pub order: Order,
    pub monitor: Duration,
    pub failure_action: FailureAction,
    pub max_failure_ratio: f64,
}

/// Why no rolling update can keep this service's history clean.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "a rolling update runs the old and the new version side by side; this service forbids it"
    )]
    TwoVersions,
    #[error("with no health check the swarm counts a replica that started as a replica that works")]
    NoHealthCheck,
    /// The service's numbers, as it gave them.
    #[error(
        "{replicas} replicas on {nodes} nodes, {needed} needed: no replica can be replaced \
         without leaving fewer than {needed} answering"
    )]
    NoRoom {
        replicas: u32,
        needed: u32,
        nodes: u32,
    },
}
// ANCHOR_END: contract

/// The `update_config` that updates `service` with no failed call and rolls a version whose
/// health check fails back by itself: or why there is none.
pub fn update_config(service: &Service) -> Result<UpdateConfig, Refusal> {
    // TODO: each field of the config from the service's facts, or the reason none will do.
    // The swarm's defaults are not the answer.
    todo!("an update_config for {} replicas", service.replicas)
}
