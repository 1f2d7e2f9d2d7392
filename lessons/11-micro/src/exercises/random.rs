//! A selector that picks at random, and sends a retry somewhere else.

use micro::registry::Node;
use micro::selector::Selector;

/// Any node, each as likely as the others; never `avoid` while there is another one.
#[derive(Debug, Default, Clone, Copy)]
pub struct Random;

impl Selector for Random {
    fn select(&self, service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node> {
        // TODO: leave `avoid` out of the candidates; pick one of them at random
        // (`rand::rng().random_range(0..len)`). With no other candidate, return the
        // first node (or None when there are no nodes at all).
        todo!(
            "pick one of {} nodes of {service} at random, avoiding {avoid:?}",
            nodes.len()
        )
    }
}
