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
    // TODO: keep the nodes of this topic on the HTTP broker (two metadata entries); group
    // them by version; take all of the broadcast group and one of each other group
    // (`rand::rng().random_range(0..len)` picks an index).
    todo!("choose among {} nodes for {topic}", nodes.len())
}
