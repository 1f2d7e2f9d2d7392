//! Selectors: which node of a service the next call goes to.
//!
//! go-micro's selector offers `Random` (its default) and `RoundRobin`, and its round-robin
//! starts again at a random place for every request — across requests it is random too
//! (micro/go-micro#2799 calls it "pseudo round-robin"). Here round-robin remembers, for as
//! long as the client lives, which node of each service went last, so three instances
//! really do take turns.
//!
//! `avoid` is the node whose call just failed: a retry should go somewhere else.

use std::collections::HashMap;
use std::sync::Mutex;

// The exercise `micro.random` rebuilds this module, and is answered by it (`--features solution`).
pub mod random;

use crate::registry::Node;

/// Picks the node of `service` the next call goes to.
pub trait Selector: Send + Sync {
    /// One of `nodes`, but not `avoid` unless it is the only one; `None` when `nodes` is empty.
    fn select(&self, service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node>;
}

// ANCHOR: round_robin
/// Each node in turn, kept across calls: for each service, the node after the one picked
/// last, in the order of the nodes' ids.
///
/// It remembers *which node* went last rather than how many calls there were, so a node
/// that joins or leaves does not shift everyone else's turn: after `b`, the next call goes
/// to the first node whose id comes after `b`, whatever the list now holds.
#[derive(Debug, Default)]
pub struct RoundRobin {
    last_picked: Mutex<HashMap<String, String>>,
}

impl Selector for RoundRobin {
    fn select(&self, service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node> {
        let mut last_picked = crate::locks::lock(&self.last_picked);
        let last = last_picked.get(service).map(String::as_str);
        let mut chosen = node_after(nodes, last)?;
        if avoid == Some(chosen) && nodes.len() > 1 {
            chosen = node_after(nodes, Some(&chosen.id))?;
        }
        last_picked.insert(service.to_string(), chosen.id.clone());
        Some(chosen.clone())
    }
}

/// The node with the smallest id after `last`, or, when there is none (or no `last`), the
/// node with the smallest id of all: the turn goes round.
fn node_after<'n>(nodes: &'n [Node], last: Option<&str>) -> Option<&'n Node> {
    let first = nodes.iter().min_by(|a, b| a.id.cmp(&b.id));
    let Some(last) = last else {
        return first;
    };
    nodes
        .iter()
        .filter(|node| node.id.as_str() > last)
        .min_by(|a, b| a.id.cmp(&b.id))
        .or(first)
}
// ANCHOR_END: round_robin

/// The selectors the command line offers.
pub fn by_name(name: &str) -> anyhow::Result<Box<dyn Selector>> {
    match name {
        "round-robin" => Ok(Box::new(RoundRobin::default())),
        "random" => Ok(Box::new(crate::selector::random::Random)),
        other => anyhow::bail!("unknown selector {other:?}: choose round-robin or random"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(ids: &[&str]) -> Vec<Node> {
        ids.iter()
            .map(|id| Node {
                id: id.to_string(),
                address: format!("{id}:1"),
                version: "1".to_string(),
                metadata: Default::default(),
                endpoints: Vec::new(),
            })
            .collect()
    }

    fn picks(selector: &RoundRobin, nodes: &[Node], n: usize) -> Vec<String> {
        (0..n)
            .map(|_| selector.select("svc", nodes, None).expect("a node").id)
            .collect()
    }

    #[test]
    fn nodes_take_turns_in_the_order_of_their_ids() {
        let selector = RoundRobin::default();
        assert_eq!(
            picks(&selector, &nodes(&["c", "a", "b"]), 4),
            ["a", "b", "c", "a"]
        );
        assert_eq!(selector.select("svc", &[], None), None);
    }

    #[test]
    fn a_node_that_joins_or_leaves_shifts_no_turn() {
        let selector = RoundRobin::default();
        assert_eq!(picks(&selector, &nodes(&["a", "b", "c"]), 2), ["a", "b"]);
        // `a` leaves: `c` is still next after `b`, then round to `b`.
        assert_eq!(picks(&selector, &nodes(&["b", "c"]), 2), ["c", "b"]);
        // `bb` joins between `b` and `c`: it gets its turn right after `b`.
        assert_eq!(picks(&selector, &nodes(&["b", "bb", "c"]), 2), ["bb", "c"]);
    }

    #[test]
    fn a_retry_avoids_the_node_that_failed() {
        let selector = RoundRobin::default();
        let all = nodes(&["a", "b"]);
        assert_eq!(selector.select("svc", &all, Some(&all[0])).unwrap().id, "b");
        let one = nodes(&["a"]);
        assert_eq!(selector.select("svc", &one, Some(&one[0])).unwrap().id, "a");
    }

    #[test]
    fn services_take_turns_apart() {
        let selector = RoundRobin::default();
        let all = nodes(&["a", "b"]);
        assert_eq!(selector.select("one", &all, None).unwrap().id, "a");
        assert_eq!(selector.select("two", &all, None).unwrap().id, "a");
        assert_eq!(selector.select("one", &all, None).unwrap().id, "b");
    }
}
