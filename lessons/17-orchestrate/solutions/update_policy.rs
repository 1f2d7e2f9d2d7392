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
    // Mid-update some replicas run the old version and some the new, whatever the order:
    // only one replica, stopped first, avoids it, and that is an outage.
    if !service.side_by_side {
        return Err(Refusal::TwoVersions);
    }
    let Some(health) = service.health else {
        return Err(Refusal::NoHealthCheck);
    };

    // Zero answering is an outage, whatever the service says it needs.
    let needed = service.needed.max(1);
    let no_room = Refusal::NoRoom {
        replicas: service.replicas,
        needed: service.needed,
        nodes: service.nodes,
    };
    if needed > service.replicas || (service.host_port && service.replicas > service.nodes) {
        return Err(no_room);
    }

    // Starting first never lowers the count answering, but needs room for one replica more:
    // a port in host mode finds it only on a node with no replica. Stopping first takes one
    // out of the count, which must stay at what is needed.
    let room_for_one_more = !service.host_port || service.nodes > service.replicas;
    let order = if room_for_one_more {
        Order::StartFirst
    } else if service.replicas > needed {
        Order::StopFirst
    } else {
        return Err(no_room);
    };

    // The swarm counts a new replica as started only once its check has passed, so a version
    // that never passes is failed before the monitor begins, start period and all. What the
    // monitor must still catch is a replica that passes and then goes bad: `retries` probes
    // in a row, each waiting its interval and failing at its timeout.
    let probe = health.interval + health.timeout;
    let monitor = probe * health.retries;

    Ok(UpdateConfig {
        // One at a time: each new replica is watched before the next, so a bad version
        // costs one replica, and a stop-first batch never takes more than one out.
        parallelism: 1,
        // The next batch waits until every caller has read the registry again and knows the
        // new replicas: otherwise a caller's whole view may be replicas already stopping.
        delay: service.refresh,
        order,
        monitor,
        failure_action: FailureAction::Rollback,
        // One failed replica is one too many: a bad version is rolled back at its first.
        max_failure_ratio: 0.0,
    })
}
