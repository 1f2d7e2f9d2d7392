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
    /// `None` when there is none (an empty list takes no turn).
    ///
    /// `count` may change from one pick to the next (instances come and go): the index is
    /// always below it. Picks of one service never move another's turns.
    pub fn pick(&self, service: &str, count: usize) -> Option<usize> {
        // TODO: the next turn of `service`, as the doc comments say. Eight threads picking
        // at the same moment must spread their picks evenly: no two get the same turn.
        todo!("pick the next instance of the service in turn")
    }
}
