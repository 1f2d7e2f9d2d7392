//! A selector that picks at random, and sends a retry somewhere else.

use rand::Rng;

use crate::registry::Node;
use crate::selector::Selector;

/// Any node, each as likely as the others; never `avoid` while there is another one.
#[derive(Debug, Default, Clone, Copy)]
pub struct Random;

impl Selector for Random {
    fn select(&self, _service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node> {
        let candidates: Vec<&Node> = nodes.iter().filter(|node| Some(*node) != avoid).collect();
        if candidates.is_empty() {
            // Nothing else to try: the avoided node (if it is there at all) is all we have.
            return nodes.first().cloned();
        }
        let index = rand::rng().random_range(0..candidates.len());
        Some(candidates[index].clone())
    }
}
