//! The registry: where the instances of every service are written down.
//!
//! go-micro's `registry.Registry` is an interface with a Consul, an etcd, an mdns and a
//! memory implementation behind it, chosen on the command line. This is the same idea in
//! Rust: a trait, [`Registry`], and four implementations — [`consul`], [`etcd`], [`mdns`]
//! and [`memory`]. The service and the client only ever hold an `Arc<dyn Registry>`.
//!
//! Two choices differ from go-micro. A registration is kept alive by the registry itself
//! (a TTL heartbeat for Consul, a lease for etcd, the mDNS daemon's answers), so `register` is called once. And a
//! watch hands out the full list of a service's nodes each time it changes, never a stream
//! of create/update/delete events: a lost or late event cannot leave a client wrong.

pub mod consul;
pub mod etcd;
pub mod mdns;
pub mod memory;
// The exercise `micro.open-registry` rebuilds this module, and is answered by it (`--features solution`).
pub mod open;

use std::collections::BTreeMap;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

// ANCHOR: node
/// One running instance of a service: what go-micro calls a `Node`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Node {
    /// Unique among the instances of every service, e.g. `greeter-3f2a…`.
    pub id: String,
    /// Where to call it: `host:port`.
    pub address: String,
    /// The version of the service this instance runs.
    pub version: String,
    /// What the node says about itself, as go-micro's `Node.Metadata`: a gRPC server
    /// `protocol=grpc` (see [`grpc_metadata`]), a broker's subscriber its broker and topic.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// What the service says of its methods, as go-micro's `registry.Endpoint`s: a method
    /// that may run twice says so in its metadata ([`IDEMPOTENT`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<Endpoint>,
}
// ANCHOR_END: node

// ANCHOR: endpoint
/// One method of a service and what the service says of it: go-micro's `registry.Endpoint`
/// without the shapes of its messages. `name` is `Handler.Method`, as go-micro and
/// `micro api` write it (`Say.Hello`); `metadata` is go-micro's endpoint metadata, set by a
/// service with `server.EndpointMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Endpoint {
    pub name: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// The endpoint metadata by which a service declares a method idempotent — safe to run
/// twice, so that a client may send it again when a try got no answer: `"idempotent":
/// "true"`.
pub const IDEMPOTENT: &str = "idempotent";

impl Node {
    /// Whether this node declares `method` (`Handler.Method`) idempotent.
    pub fn declares_idempotent(&self, method: &str) -> bool {
        self.endpoints.iter().any(|endpoint| {
            endpoint.name == method
                && endpoint.metadata.get(IDEMPOTENT).map(String::as_str) == Some("true")
        })
    }
}

/// The endpoints of a service whose `idempotent` methods (`Handler.Method`) say so.
pub fn idempotent_endpoints(idempotent: &[String]) -> Vec<Endpoint> {
    idempotent
        .iter()
        .map(|method| Endpoint {
            name: method.clone(),
            metadata: BTreeMap::from([(IDEMPOTENT.to_string(), "true".to_string())]),
        })
        .collect()
}
// ANCHOR_END: endpoint

/// The nodes of one service as a watch last saw them, sorted by id.
pub type Nodes = watch::Receiver<Vec<Node>>;

// ANCHOR: registry
/// What a service framework needs from a registry (go-micro's `registry.Registry`).
///
/// Every method returns a boxed future so that the trait can be used as `dyn Registry`.
pub trait Registry: Send + Sync {
    /// Writes `node` down under `service`, and keeps it there until `deregister` (or until
    /// the process dies and the registry notices).
    fn register<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Removes `node` at once, and stops keeping it alive.
    fn deregister<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The nodes of `service` now, sorted by id (empty when there are none).
    fn get_service<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<Node>>>;

    /// The names of the services that have at least one node, sorted.
    fn list_services(&self) -> BoxFuture<'_, anyhow::Result<Vec<String>>>;

    /// The nodes of `service`, kept current: the receiver holds the latest full list and
    /// wakes up on every change. The watch keeps going (resuming after errors) until every
    /// receiver is dropped.
    fn watch<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Nodes>>;

    /// What and where this registry is, e.g. `etcd 127.0.0.1:2379,127.0.0.1:3379`.
    fn describe(&self) -> String;
}
// ANCHOR_END: registry

/// The metadata of a gRPC server's node, as go-micro's gRPC server writes it: what this
/// lesson's services register.
pub fn grpc_metadata() -> BTreeMap<String, String> {
    BTreeMap::from([("protocol".to_string(), "grpc".to_string())])
}

/// Sorts nodes by id, the order every registry hands them out in.
pub fn sorted(mut nodes: Vec<Node>) -> Vec<Node> {
    nodes.sort();
    nodes.dedup();
    nodes
}
