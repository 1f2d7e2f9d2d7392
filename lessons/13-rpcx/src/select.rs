//! Which server takes the next call: rpcx's select modes (`client/selector.go`). A selector
//! sees the servers a client may call now, in the registry's order, and picks one of them.

use micro::registry::Node;
use rand::Rng;

// ANCHOR: select
/// Picks the server for the next call.
pub trait Select: Send {
    /// The index in `servers` of the one to call. `servers` is never empty.
    fn select(&mut self, servers: &[Node]) -> usize;
}

/// rpcx's `RandomSelect`: any of them, each as likely.
pub struct Random;

impl Select for Random {
    fn select(&mut self, servers: &[Node]) -> usize {
        rand::rng().random_range(0..servers.len())
    }
}

/// rpcx's `RoundRobin`: each in turn.
#[derive(Default)]
pub struct RoundRobin {
    next: usize,
}

impl Select for RoundRobin {
    fn select(&mut self, servers: &[Node]) -> usize {
        let index = self.next % servers.len();
        self.next = index + 1;
        index
    }
}
// ANCHOR_END: select
