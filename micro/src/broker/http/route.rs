//! Which subscribers get a message: every broadcast subscriber of its topic, and one
//! subscriber of each queue group.

use std::collections::BTreeMap;

use crate::registry::Node;
use rand::Rng;

use crate::broker::http::BROADCAST_VERSION;

// ANCHOR: targets
/// The nodes of `nodes` a message on `topic` goes to, as go-micro's `Publish` picks them
/// (`broker/http.go` at v2.9.1, lines 586–625): only nodes whose metadata says
/// `broker=http` and `topic=<topic>`; of those, every node whose version is
/// [`BROADCAST_VERSION`], and one node, chosen at random, of each other version (a queue
/// group).
pub fn targets(nodes: &[Node], topic: &str) -> Vec<Node> {
    let meta = |node: &Node, key: &str| node.metadata.get(key).cloned().unwrap_or_default();
    let mut groups: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
    for node in nodes {
        if meta(node, "broker") == "http" && meta(node, "topic") == topic {
            groups.entry(node.version.as_str()).or_default().push(node);
        }
    }
    let mut chosen = Vec::new();
    for (version, members) in groups {
        if version == BROADCAST_VERSION {
            chosen.extend(members.into_iter().cloned());
        } else {
            let one = rand::rng().random_range(0..members.len());
            chosen.push(members[one].clone());
        }
    }
    chosen
}
// ANCHOR_END: targets
