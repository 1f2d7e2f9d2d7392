//! Which subscribers get a message: every broadcast subscriber of its topic, and one
//! subscriber of each queue group.

use micro::registry::Node;

use micro::broker::http::BROADCAST_VERSION;

/// The nodes of `nodes` a message on `topic` goes to, as go-micro's `Publish` picks them
/// (`broker/http.go` at v2.9.1, lines 586–625): only nodes whose metadata says
/// `broker=http` and `topic=<topic>`; of those, every node whose version is
/// [`BROADCAST_VERSION`], and one node, chosen at random, of each other version (a queue
/// group).
pub fn targets(nodes: &[Node], topic: &str) -> Vec<Node> {
    // TODO: the targets of the doc comment. Over many messages, each member of a queue
    // group should get its share, not always the same one.
    todo!("choose among {} nodes for {topic}", nodes.len())
}
