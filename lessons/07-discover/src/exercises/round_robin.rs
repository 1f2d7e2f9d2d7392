//! Picking the next instance in turn, with one counter per service that lasts across calls.

use std::collections::HashMap;
use std::sync::Mutex;

/// Picks instances in turn: for each service, the first pick is index 0, then 1, 2, … and
/// round again. One picker serves every call of a client (and every task: it is `Sync`).
#[derive(Debug, Default)]
pub struct RoundRobin {
    // TODO: what the picker must remember between calls, for each service.
}

impl RoundRobin {
    pub fn new() -> RoundRobin {
        RoundRobin::default()
    }

    /// The index of the instance to call next among `count` instances of `service`, or
    /// `None` when there is none.
    pub fn pick(&self, service: &str, count: usize) -> Option<usize> {
        // TODO: keep a counter per service; return it modulo `count` and move it on by one.
        // Two tasks picking at the same moment must not get the same turn.
        todo!("pick the next instance of the service in turn")
    }
}
