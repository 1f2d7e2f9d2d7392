//! Picking the next instance in turn, with one counter per service that lasts across calls.

use std::collections::HashMap;
use std::sync::Mutex;

/// Picks instances in turn: for each service, the first pick is index 0, then 1, 2, … and
/// round again. One picker serves every call of a client (and every task: it is `Sync`).
#[derive(Debug, Default)]
pub struct RoundRobin {
    /// How many picks each service has had so far.
    picks: Mutex<HashMap<String, usize>>,
}

impl RoundRobin {
    pub fn new() -> RoundRobin {
        RoundRobin::default()
    }

    /// The index of the instance to call next among `count` instances of `service`, or
    /// `None` when there is none.
    pub fn pick(&self, service: &str, count: usize) -> Option<usize> {
        if count == 0 {
            return None;
        }
        // The lock makes "read the counter, add one" a single step: two tasks picking at
        // once get different instances.
        let mut picks = self
            .picks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let counter = picks.entry(service.to_string()).or_insert(0);
        let index = *counter % count;
        *counter = counter.wrapping_add(1);
        Some(index)
    }
}
