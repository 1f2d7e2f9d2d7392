//! TTL checks: the server says "still alive" itself, on a timer.
//!
//! A gRPC check asks the server from outside whether it answers. Some work has no port to
//! ask (a queue consumer, a batch loop), and a port that answers says nothing about a work
//! loop that is stuck. A TTL check turns it round: the agent expects a "pass" at least every
//! TTL, and marks the check critical when one does not come. Whoever sends the passes decides
//! what "alive" means. go-micro registers every service this way (`RegisterTTL`), and its
//! registrar sends the passes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use consulrs::api::check::common::{AgentServiceCheck, AgentServiceCheckBuilder};
use shared::consul::{Instance, go_duration};

// ANCHOR: ttl_check
/// A TTL check for `instance`: critical until the first pass, critical again when no pass
/// comes for `ttl`, and the instance reaped once it has been critical for `reap_after`.
pub fn ttl_check(instance: &Instance, ttl: Duration, reap_after: Duration) -> AgentServiceCheck {
    AgentServiceCheckBuilder::default()
        .check_id(ttl_check_id(instance))
        .name(format!("heartbeat of {}", instance.id))
        .ttl(go_duration(ttl))
        .deregister_critical_service_after(go_duration(reap_after))
        .build()
        .expect("every field of the check is set")
}

/// The ID of the instance's TTL check: `service:<ID>`, the ID Consul gives a service's only
/// check when it is registered without one (go-micro passes `"service:" + node.Id`).
pub fn ttl_check_id(instance: &Instance) -> String {
    format!("service:{}", instance.id)
}
// ANCHOR_END: ttl_check

/// How far a work loop has come: it calls [`Progress::advance`] each time round, and a
/// heartbeat reads [`Progress::count`] to tell a working loop from a stuck one. Clones share
/// the count.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    count: Arc<AtomicU64>,
}

impl Progress {
    pub fn new() -> Progress {
        Progress::default()
    }

    /// One more round of work done.
    pub fn advance(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The rounds done so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}
