//! Prometheus' HTTP service discovery, answered by the gateway from the registry.
//!
//! Prometheus must know where to scrape, and services come and go. Its `http_sd_configs`
//! asks a URL every few seconds for a JSON list of *target groups*: addresses, and labels
//! to put on every series scraped from them. The gateway already knows every service from
//! the registry — Consul, etcd or mDNS alike — so it serves that list at
//! [`TARGETS_PATH`], and a Prometheus pointed there follows services as they register and
//! leave, whichever registry holds them.
//!
//! ```json
//! [{"targets": ["127.0.0.1:7011"],
//!   "labels": {"service": "greeter", "node": "greeter-3f2a…", "version": "latest"}}]
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tonic::Code;

use super::error::ApiError;
use crate::registry::{Node, Registry};

/// Where the gateway serves the target groups.
pub const TARGETS_PATH: &str = "/metrics/targets";

/// The most services one answer lists: a registry shared by many teams is still one page.
pub const MAX_SERVICES: usize = 1024;

// ANCHOR: group
/// One target group of Prometheus' HTTP service discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetGroup {
    /// `host:port` of each target: where its `/metrics` is.
    pub targets: Vec<String>,
    /// Labels put on every series scraped from these targets.
    pub labels: BTreeMap<String, String>,
}
// ANCHOR_END: group

/// The target groups for `services`, each a service's name and its nodes: one group per
/// node that serves gRPC (its metadata says `protocol=grpc`; a broker's subscriber or a web
/// page has no `/metrics`), labelled `service`, `node` and `version`, in the order given.
pub fn target_groups(services: &[(String, Vec<Node>)]) -> Vec<TargetGroup> {
    let mut groups = Vec::new();
    for (service, nodes) in services {
        for node in nodes {
            if node.metadata.get("protocol").map(String::as_str) != Some("grpc") {
                continue;
            }
            let labels = [
                ("service", service.as_str()),
                ("node", node.id.as_str()),
                ("version", node.version.as_str()),
            ];
            groups.push(TargetGroup {
                targets: vec![node.address.clone()],
                labels: labels
                    .into_iter()
                    .map(|(name, value)| (name.to_string(), value.to_string()))
                    .collect(),
            });
        }
    }
    groups
}

// ANCHOR: targets
/// Every service's nodes as `registry` has them now, as target groups. A registry that
/// does not answer is 503: Prometheus then keeps the targets it had.
pub async fn targets(registry: &dyn Registry) -> Result<Vec<TargetGroup>, ApiError> {
    let unavailable = |error: anyhow::Error| ApiError::new(Code::Unavailable, format!("{error:#}"));
    let names = registry.list_services().await.map_err(unavailable)?;
    let mut services = Vec::new();
    for name in names.into_iter().take(MAX_SERVICES) {
        let nodes = registry.get_service(&name).await.map_err(unavailable)?;
        services.push((name, nodes));
    }
    Ok(target_groups(&services))
}
// ANCHOR_END: targets

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, protocol: Option<&str>) -> Node {
        Node {
            id: id.to_string(),
            address: format!("10.0.0.1:{}", id.len()),
            version: "1.2".to_string(),
            metadata: protocol
                .map(|protocol| ("protocol".to_string(), protocol.to_string()))
                .into_iter()
                .collect(),
            ..Node::default()
        }
    }

    #[test]
    fn one_group_per_grpc_node() {
        let services = vec![
            ("greeter".to_string(), vec![node("g-1", Some("grpc"))]),
            ("go.micro.http.broker".to_string(), vec![node("b-1", None)]),
        ];
        let json = serde_json::to_value(target_groups(&services)).unwrap();
        let expected = serde_json::json!([{
            "targets": ["10.0.0.1:3"],
            "labels": {"service": "greeter", "node": "g-1", "version": "1.2"},
        }]);
        assert_eq!(json, expected);
    }
}
