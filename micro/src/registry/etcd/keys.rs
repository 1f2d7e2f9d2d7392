//! Where a node lives in etcd, and what is written there: go-micro's layout.
//!
//! go-micro v2 (`registry/etcd/etcd.go`) keeps one key per node,
//! `/micro/registry/<service>/<node id>`, with any `/` in either name turned into `-`, and
//! under it the JSON of the whole *service* holding that one node ([`ServiceRecord`]). A
//! service's nodes are then one prefix `get` away, and one prefix watch.

use crate::registry::Node;
use crate::registry::etcd::record::{EndpointRecord, NodeRecord, ServiceRecord};

/// Every key of the registry starts with this.
pub const ROOT: &str = "/micro/registry/";

/// The prefix under which the nodes of `service` (and only those) are kept.
pub fn service_prefix(service: &str) -> String {
    // The closing '/' matters: without it, "greeter" would also match "greeter-admin".
    // A '/' inside the name would add a level to the key: go-micro writes '-' instead.
    format!("{ROOT}{}/", service.replace('/', "-"))
}

/// The key of one node.
pub fn node_key(service: &str, node: &Node) -> String {
    format!("{}{}", service_prefix(service), node.id.replace('/', "-"))
}

/// The value stored under the node's key: the service, with its version and endpoints,
/// holding this one node and its metadata (a gRPC server's says `protocol=grpc`, as a
/// go-micro one's does).
pub fn encode(service: &str, node: &Node) -> String {
    let record = ServiceRecord {
        name: service.to_string(),
        version: node.version.clone(),
        metadata: None,
        endpoints: node.endpoints.iter().map(EndpointRecord::of).collect(),
        nodes: vec![NodeRecord {
            id: node.id.clone(),
            address: node.address.clone(),
            // Go writes a nil map as `null`: a node that says nothing about itself.
            metadata: (!node.metadata.is_empty()).then(|| node.metadata.clone()),
        }],
    };
    serde_json::to_string(&record).expect("a record of strings is always JSON")
}

/// The nodes stored at `key`: if `key` is directly under `prefix` and `value` is a service
/// in JSON, each of its nodes (with an id and an address) carrying the service's version
/// and endpoints, and its own metadata.
/// Empty for anything else: a value that cannot be read is skipped, as go-micro skips it.
pub fn decode(prefix: &str, key: &[u8], value: &[u8]) -> Vec<Node> {
    let under_prefix = std::str::from_utf8(key)
        .ok()
        .and_then(|key| key.strip_prefix(prefix))
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'));
    if !under_prefix {
        return Vec::new();
    }
    let Ok(record) = serde_json::from_slice::<ServiceRecord>(value) else {
        return Vec::new();
    };
    let endpoints: Vec<_> = record
        .endpoints
        .iter()
        .map(EndpointRecord::endpoint)
        .collect();
    record
        .nodes
        .into_iter()
        .filter(|node| !node.id.is_empty() && !node.address.is_empty())
        .map(|node| Node {
            id: node.id,
            address: node.address,
            version: record.version.clone(),
            metadata: node.metadata.unwrap_or_default(),
            endpoints: endpoints.clone(),
        })
        .collect()
}

/// The service a registry key belongs to, e.g. `greeter` for `/micro/registry/greeter/g-1`
/// (as it appears in keys: a `/` in a name shows as `-`).
pub fn service_of(key: &[u8]) -> Option<&str> {
    let key = std::str::from_utf8(key).ok()?;
    let (service, id) = key.strip_prefix(ROOT)?.split_once('/')?;
    (!service.is_empty() && !id.is_empty()).then_some(service)
}
