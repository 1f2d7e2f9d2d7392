//! `observe.targets`: Prometheus' HTTP service discovery from a registry's services.

use std::collections::BTreeMap;

use l15_observe::exercises::targets::target_groups;
use micro::registry::Node;
use serde_json::json;

fn node(id: &str, address: &str, metadata: &[(&str, &str)]) -> Node {
    Node {
        id: id.to_string(),
        address: address.to_string(),
        version: "1.0.0".to_string(),
        metadata: metadata
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect::<BTreeMap<_, _>>(),
        ..Node::default()
    }
}

#[test]
fn each_grpc_node_is_a_target_with_its_labels() {
    let grpc = [("protocol", "grpc")];
    let services = vec![
        (
            "greeter".to_string(),
            vec![
                node("greeter-a", "10.0.0.1:7011", &grpc),
                node("greeter-b", "10.0.0.2:7011", &grpc),
            ],
        ),
        (
            "user".to_string(),
            vec![node("user-a", "10.0.0.3:7021", &grpc)],
        ),
    ];
    let yours = serde_json::to_value(target_groups(&services)).unwrap();
    let expected = json!([
        {"targets": ["10.0.0.1:7011"], "labels": {"service": "greeter", "node": "greeter-a", "version": "1.0.0"}},
        {"targets": ["10.0.0.2:7011"], "labels": {"service": "greeter", "node": "greeter-b", "version": "1.0.0"}},
        {"targets": ["10.0.0.3:7021"], "labels": {"service": "user", "node": "user-a", "version": "1.0.0"}},
    ]);
    assert_eq!(yours, expected);
}

#[test]
fn a_node_with_no_metrics_is_no_target() {
    let services = vec![
        (
            "go.micro.http.broker".to_string(),
            vec![node("broker-a", "10.0.0.4:9000", &[("broker", "http")])],
        ),
        (
            "web".to_string(),
            vec![node("web-a", "10.0.0.5:8000", &[("protocol", "http")])],
        ),
        ("nobody".to_string(), vec![]),
    ];
    let yours = target_groups(&services);
    assert!(
        yours.is_empty(),
        "only gRPC nodes serve /metrics: {yours:?}"
    );
}
