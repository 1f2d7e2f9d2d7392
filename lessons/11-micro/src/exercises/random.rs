//! A selector that picks at random, and sends a retry somewhere else.

use micro::registry::Node;
use micro::selector::Selector;

/// Any node, each as likely as the others; never `avoid` while there is another one. When
/// `avoid` is all there is, it is still the answer (the first node); with no nodes, `None`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Random;

impl Selector for Random {
    fn select(&self, service: &str, nodes: &[Node], avoid: Option<&Node>) -> Option<Node> {
        // TODO: pick as the doc comment says. A retry after `Unavailable` passes the node
        // that just failed as `avoid`: it should land somewhere else.
        todo!(
            "pick one of {} nodes of {service} at random, avoiding {avoid:?}",
            nodes.len()
        )
    }
}
