//! Where a node lives in etcd, and how to read it back.
//!
//! go-micro's layout: one key per node, `/micro/registry/<service>/<node id>`, whose value is
//! the node as JSON. A service's nodes are then one prefix `get` away, and one prefix watch.

use crate::registry::Node;

/// Every key of the registry starts with this.
pub const ROOT: &str = "/micro/registry/";

/// The prefix under which the nodes of `service` (and only those) are kept.
pub fn service_prefix(service: &str) -> String {
    // TODO: ROOT, the service's name, and a closing '/' (why must it be there?).
    todo!("the prefix of {service}")
}

/// The key of one node.
pub fn node_key(service: &str, node: &Node) -> String {
    // TODO: the service's prefix followed by the node's id.
    todo!("the key of {} in {service}", node.id)
}

/// The node stored at `key`, if `key` is directly under `prefix`, `value` is a node in
/// JSON, and the node's id is the key's last part; `None` for anything else.
pub fn decode(prefix: &str, key: &[u8], value: &[u8]) -> Option<Node> {
    // TODO: the key as UTF-8, with `prefix` stripped off; the value parsed with
    // `serde_json::from_slice`; `None` whenever a step fails or the ids differ.
    todo!("decode {} bytes under {prefix}", key.len() + value.len())
}

/// The service a registry key belongs to, e.g. `greeter` for `/micro/registry/greeter/g-1`.
pub fn service_of(key: &[u8]) -> Option<&str> {
    // TODO: strip ROOT, split once at '/', and keep the first part if both parts are
    // non-empty.
    todo!("the service of a {}-byte key", key.len())
}
