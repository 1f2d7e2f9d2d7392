//! Prometheus' HTTP service discovery, built from a registry's services.
//!
//! Prometheus asks a URL every few seconds for a JSON list of *target groups*: addresses to
//! scrape, and labels to put on every series scraped from them. `micro api` answers it from
//! the registry, so that a Prometheus pointed at the gateway follows services as they come
//! and go:
//!
//! ```json
//! [{"targets": ["127.0.0.1:7011"],
//!   "labels": {"service": "greeter", "node": "greeter-3f2a…", "version": "latest"}}]
//! ```

use std::collections::BTreeMap;

use micro::registry::Node;
use serde::{Deserialize, Serialize};

/// One target group of Prometheus' HTTP service discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetGroup {
    /// `host:port` of each target: where its `/metrics` is.
    pub targets: Vec<String>,
    /// Labels put on every series scraped from these targets.
    pub labels: BTreeMap<String, String>,
}

/// The target groups for `services`, each a service's name and its nodes: one group per
/// node that serves gRPC (its metadata says `protocol=grpc`; a broker's subscriber or a web
/// page has no `/metrics`), labelled `service`, `node` and `version`, in the order given.
pub fn target_groups(services: &[(String, Vec<Node>)]) -> Vec<TargetGroup> {
    // TODO: one group per gRPC node, in order, with its address and its three labels.
    todo!("observe.targets")
}
