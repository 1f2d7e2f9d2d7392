//! Where a node lives in etcd, and how to read it back.
//!
//! go-micro's layout: one key per node, `/micro/registry/<service>/<node id>`, whose value is
//! the node as JSON. A service's nodes are then one prefix `get` away, and one prefix watch.

use crate::registry::Node;

/// Every key of the registry starts with this.
pub const ROOT: &str = "/micro/registry/";

/// The prefix under which the nodes of `service` (and only those) are kept.
pub fn service_prefix(service: &str) -> String {
    // The closing '/' matters: without it, "greeter" would also match "greeter-admin".
    format!("{ROOT}{service}/")
}

/// The key of one node.
pub fn node_key(service: &str, node: &Node) -> String {
    format!("{}{}", service_prefix(service), node.id)
}

/// The node stored at `key`, if `key` is directly under `prefix`, `value` is a node in
/// JSON, and the node's id is the key's last part; `None` for anything else.
pub fn decode(prefix: &str, key: &[u8], value: &[u8]) -> Option<Node> {
    let key = std::str::from_utf8(key).ok()?;
    let id = key.strip_prefix(prefix)?;
    let node: Node = serde_json::from_slice(value).ok()?;
    (node.id == id).then_some(node)
}

/// The service a registry key belongs to, e.g. `greeter` for `/micro/registry/greeter/g-1`.
pub fn service_of(key: &[u8]) -> Option<&str> {
    let key = std::str::from_utf8(key).ok()?;
    let (service, id) = key.strip_prefix(ROOT)?.split_once('/')?;
    (!service.is_empty() && !id.is_empty()).then_some(service)
}
