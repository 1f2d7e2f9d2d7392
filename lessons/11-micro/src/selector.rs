//! Selectors: which node of a service the next call goes to.
//!
//! go-micro's selector offers `Random` (its default) and `RoundRobin`, and its round-robin
//! starts again at a random place for every request — across requests it is random too
//! (micro/go-micro#2799 calls it "pseudo round-robin"). Here round-robin keeps one counter
//! per service for as long as the client lives, so three instances really do take turns.
//!
//! `avoid` is the node whose call just failed: a retry should go somewhere else.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::registry::Node;

/// Picks the node of `service` the next call goes to.
pub trait Selector: Send + Sync {
    /// One of `nodes`, but not `avoid` unless it is the only one; `None` when `nodes` is empty.
    fn select(&self, service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node>;
}

// ANCHOR: round_robin
/// Each node in turn, one counter per service, kept across calls.
#[derive(Debug, Default)]
pub struct RoundRobin {
    picks: Mutex<HashMap<String, usize>>,
}

impl Selector for RoundRobin {
    fn select(&self, service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node> {
        if nodes.is_empty() {
            return None;
        }
        let mut picks = self.picks.lock().expect("no panic while the lock is held");
        let counter = picks.entry(service.to_string()).or_insert(0);
        let mut index = *counter % nodes.len();
        *counter += 1;
        if avoid == Some(&nodes[index]) && nodes.len() > 1 {
            index = (index + 1) % nodes.len();
        }
        Some(nodes[index].clone())
    }
}
// ANCHOR_END: round_robin

/// The selectors the command line offers.
pub fn by_name(name: &str) -> anyhow::Result<Box<dyn Selector>> {
    match name {
        "round-robin" => Ok(Box::new(RoundRobin::default())),
        "random" => Ok(Box::new(crate::exercises::random::Random)),
        other => anyhow::bail!("unknown selector {other:?}: choose round-robin or random"),
    }
}
