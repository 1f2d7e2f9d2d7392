//! rpcx's `WeightedRoundRobin` select mode: nginx's smooth weighted round robin, which
//! spreads a heavier server's turns out instead of giving them in a row.

use std::collections::HashMap;

use micro::registry::Node;

use crate::select::Select;

/// A server's weight: its metadata's `weight`, a whole number from 1 up; a missing,
/// unreadable or non-positive one counts as 1.
pub fn weight(server: &Node) -> u32 {
    server
        .metadata
        .get("weight")
        .and_then(|weight| weight.trim().parse::<u32>().ok())
        .filter(|weight| *weight >= 1)
        .unwrap_or(1)
}

/// Each server's current weight, by id, carried from one pick to the next.
#[derive(Debug, Default)]
pub struct WeightedRoundRobin {
    current: HashMap<String, i64>,
}

impl Select for WeightedRoundRobin {
    fn select(&mut self, servers: &[Node]) -> usize {
        // Another set of servers (one left, one came): every score starts again from 0, as
        // rpcx's selector does when the registry changes. The shares are then exact again.
        let same = self.current.len() == servers.len()
            && servers
                .iter()
                .all(|server| self.current.contains_key(&server.id));
        if !same {
            self.current = servers
                .iter()
                .map(|server| (server.id.clone(), 0))
                .collect();
        }
        let total: i64 = servers.iter().map(|server| i64::from(weight(server))).sum();
        let mut best: Option<(usize, i64)> = None;
        for (index, server) in servers.iter().enumerate() {
            let current = self.current.entry(server.id.clone()).or_default();
            *current += i64::from(weight(server));
            // Strictly greater: of equal ones, the first in the list wins.
            if best.is_none_or(|(_, highest)| *current > highest) {
                best = Some((index, *current));
            }
        }
        let (index, _) = best.expect("servers is never empty");
        *self.current.entry(servers[index].id.clone()).or_insert(0) -= total;
        index
    }
}
