//! Where a node lives in etcd, and what is written there: go-micro's layout.
//!
//! go-micro v2 (`registry/etcd/etcd.go`) keeps one key per node,
//! `/micro/registry/<service>/<node id>`, with any `/` in either name turned into `-`, and
//! under it the JSON of the whole *service* holding that one node ([`ServiceRecord`]). A
//! service's nodes are then one prefix `get` away, and one prefix watch.

use micro::registry::Node;
use micro::registry::etcd::record::{NodeRecord, ServiceRecord};

/// Every key of the registry starts with this.
pub const ROOT: &str = "/micro/registry/";

/// The prefix under which the nodes of `service` (and only those) are kept.
pub fn service_prefix(service: &str) -> String {
    // TODO: ROOT, the service's name with '/' turned into '-', and a closing '/' (why must
    // it be there?).
    todo!("the prefix of {service}")
}

/// The key of one node.
pub fn node_key(service: &str, node: &Node) -> String {
    // TODO: the service's prefix followed by the node's id, '/' turned into '-'.
    todo!("the key of {} in {service}", node.id)
}

/// The value stored under the node's key: the service, with its version, holding this one
/// node and its metadata (a gRPC server's says `protocol=grpc`, as a go-micro one's does).
pub fn encode(service: &str, node: &Node) -> String {
    // TODO: a ServiceRecord named `service`, with the node's version, no metadata (None),
    // no endpoints, and one NodeRecord with the node's metadata (None when it has none, as
    // Go writes a nil map); then `serde_json::to_string`.
    todo!("the record of {} in {service}", node.id)
}

/// The nodes stored at `key`: if `key` is directly under `prefix` and `value` is a service
/// in JSON, each of its nodes (with an id and an address) carrying the service's version
/// and its own metadata.
/// Empty for anything else: a value that cannot be read is skipped, as go-micro skips it.
pub fn decode(prefix: &str, key: &[u8], value: &[u8]) -> Vec<Node> {
    // TODO: the key as UTF-8, with `prefix` stripped off, leaving a non-empty last part;
    // the value parsed with `serde_json::from_slice::<ServiceRecord>`; its nodes as `Node`s
    // (a node's metadata `None` is an empty map).
    todo!("decode {} bytes under {prefix}", key.len() + value.len())
}

/// The service a registry key belongs to, e.g. `greeter` for `/micro/registry/greeter/g-1`
/// (as it appears in keys: a `/` in a name shows as `-`).
pub fn service_of(key: &[u8]) -> Option<&str> {
    // TODO: strip ROOT, split once at '/', and keep the first part if both parts are
    // non-empty.
    todo!("the service of a {}-byte key", key.len())
}
