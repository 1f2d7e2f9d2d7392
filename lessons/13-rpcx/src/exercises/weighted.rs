//! rpcx's `WeightedRoundRobin` select mode: nginx's smooth weighted round robin, which
//! spreads a heavier server's turns out instead of giving them in a row.

use std::collections::HashMap;

use micro::registry::Node;

use crate::select::Select;

/// A server's weight: its metadata's `weight`, a whole number from 1 up; a missing,
/// unreadable or non-positive one counts as 1.
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
        // TODO: smooth weighted round robin. Every server's current weight grows by its
        // weight; the highest is picked (the first of equal ones), and loses the total of
        // all weights. When the servers are not the ones of the last pick, every score
        // starts again from 0.
        todo!("pick a server by smooth weighted round robin")
    }
}
