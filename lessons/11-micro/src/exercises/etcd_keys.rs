//! Where a node lives in etcd, and what is written there: go-micro's layout.
//!
//! go-micro v2 (`registry/etcd/etcd.go`) keeps one key per node,
//! `/micro/registry/<service>/<node id>`, with any `/` in either name turned into `-`, and
//! under it the JSON of the whole *service* holding that one node ([`ServiceRecord`]). A
//! service's nodes are then one prefix `get` away, and one prefix watch.

use micro::registry::Node;
use micro::registry::etcd::record::{EndpointRecord, NodeRecord, ServiceRecord};

/// Every key of the registry starts with this.
pub const ROOT: &str = "/micro/registry/";

/// The prefix under which the nodes of `service` (and only those) are kept.
pub fn service_prefix(service: &str) -> String {
    // TODO: the prefix of the module's layout for `service`. The nodes of `greeter` are
    // under it, and those of `greeter-admin` must not be.
    todo!("the prefix of {service}")
}

/// The key of one node.
pub fn node_key(service: &str, node: &Node) -> String {
    // TODO: the key of the module's layout for this node, under `service`'s prefix.
    todo!("the key of {} in {service}", node.id)
}

/// The value stored under the node's key: the service, with its version and endpoints,
/// holding this one node and its metadata (a gRPC server's says `protocol=grpc`, as a
/// go-micro one's does). Byte for byte what go-micro v2 writes for a service of one node,
/// so that either can read the other's: the service has no metadata (`null`), its endpoints
/// are the node's (`[]` when it has none), and a node without metadata has `null` there
/// too, as Go writes a nil map. For example (one line):
///
/// ```json
/// {"name":"greeter","version":"1.0.0","metadata":null,"endpoints":[],
///  "nodes":[{"id":"greeter-1","address":"127.0.0.1:7011","metadata":{"protocol":"grpc"}}]}
/// ```
pub fn encode(service: &str, node: &Node) -> String {
    // TODO: the JSON of the doc comment, for one node.
    todo!("the record of {} in {service}", node.id)
}

/// The nodes stored at `key`: if `key` is directly under `prefix` and `value` is a service
/// in JSON, each of its nodes (with an id and an address) carrying the service's version
/// and endpoints, and its own metadata (`null` read as none).
/// Empty for anything else: a value that cannot be read is skipped, as go-micro skips it.
pub fn decode(prefix: &str, key: &[u8], value: &[u8]) -> Vec<Node> {
    // TODO: the nodes of the doc comment. What is in etcd was written by anyone: a key or
    // a value that is not what go-micro writes gives no node, never a panic.
    todo!("decode {} bytes under {prefix}", key.len() + value.len())
}

/// The service a registry key belongs to, e.g. `greeter` for `/micro/registry/greeter/g-1`
/// (as it appears in keys: a `/` in a name shows as `-`). `None` for a key that is not
/// [`ROOT`], a service and a node id, neither of them empty.
pub fn service_of(key: &[u8]) -> Option<&str> {
    // TODO: the service of the doc comment.
    todo!("the service of a {}-byte key", key.len())
}
