//! rpcx's `WeightedRoundRobin` select mode: nginx's smooth weighted round robin, which
//! spreads a heavier server's turns out instead of giving them in a row.

use std::collections::HashMap;

use micro::registry::Node;

use crate::select::Select;

/// A server's weight: its metadata's `weight`, a whole number from 1 to `u32::MAX`, with
/// any spaces around it ignored (`" 3 "` weighs 3); a missing, unreadable, non-positive or
/// too large one counts as 1.
///
/// The spaces are where this differs from rpcx, on purpose (the test weighs `" 3 "` as 3):
/// rpcx's Go reads the weight with `strconv.Atoi`, which refuses `" 3 "`, so rpcx would
/// weigh that server 1. Metadata is text an operator types (`--metadata weight=2`, a URL query in the
/// registry), and a stray space there plainly means 3; reading it as 1 would quietly give
/// the server a third of the weight it was meant to have, with nothing in any log to say
/// why. Every weight from 1 to `u32::MAX` that rpcx reads, this reads the same.
pub fn weight(server: &Node) -> u32 {
    // TODO: read `weight` from the server's metadata, as the doc comment says.
    todo!("a server's weight")
}

/// Each server's current weight, by id, carried from one pick to the next.
#[derive(Debug, Default)]
pub struct WeightedRoundRobin {
    current: HashMap<String, i64>,
}

impl Select for WeightedRoundRobin {
    fn select(&mut self, servers: &[Node]) -> usize {
        // TODO: nginx's smooth weighted round robin: turns in proportion to the weights,
        // spread out rather than in a row. Weights 5, 1 and 1 give `a a b a c a a`, then
        // the same seven again, for ever; equal weights take turns in the list's order.
        // When the servers are not the ones of the last pick (one left, one came), the
        // shares must be exact again for the new list, as rpcx's are when the registry
        // changes. Weights up to `u32::MAX` must not overflow.
        todo!("pick a server by smooth weighted round robin")
    }
}
