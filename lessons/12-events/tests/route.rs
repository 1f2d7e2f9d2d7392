//! `events.route`: which subscribers a message goes to over the HTTP broker.

use std::collections::{BTreeMap, BTreeSet};

use l12_events::exercises::route::targets;
use micro::broker::http::BROADCAST_VERSION;
use micro::registry::Node;

fn node(id: &str, topic: &str, version: &str) -> Node {
    Node {
        id: id.to_string(),
        address: "127.0.0.1:1".to_string(),
        version: version.to_string(),
        metadata: BTreeMap::from([
            ("broker".to_string(), "http".to_string()),
            ("secure".to_string(), "false".to_string()),
            ("topic".to_string(), topic.to_string()),
        ]),
        endpoints: Vec::new(),
    }
}

fn ids(nodes: &[Node]) -> BTreeSet<String> {
    nodes.iter().map(|node| node.id.clone()).collect()
}

#[test]
fn every_broadcast_subscriber_of_the_topic_gets_it() {
    let nodes = [
        node("a", "orders", BROADCAST_VERSION),
        node("b", "orders", BROADCAST_VERSION),
        node("c", "invoices", BROADCAST_VERSION),
    ];
    assert_eq!(
        ids(&targets(&nodes, "orders")),
        ids(&nodes[..2]),
        "a message on orders goes to both broadcast subscribers of orders (a, b), and not to \
         c, which subscribed to invoices: keep the nodes whose `topic` metadata is the topic"
    );
    assert_eq!(
        ids(&targets(&nodes, "invoices")),
        ids(&nodes[2..]),
        "a message on invoices goes to c alone, its one subscriber"
    );
    assert!(
        targets(&nodes, "nobody").is_empty(),
        "a topic nobody subscribed to has no subscriber to send to"
    );
}

#[test]
fn only_http_broker_nodes_count() {
    let mut grpc = node("grpc", "orders", BROADCAST_VERSION);
    grpc.metadata
        .insert("broker".to_string(), "nats".to_string());
    let mut bare = node("bare", "orders", BROADCAST_VERSION);
    bare.metadata.clear();
    let nodes = [grpc, bare, node("http", "orders", BROADCAST_VERSION)];
    assert_eq!(
        ids(&targets(&nodes, "orders")),
        BTreeSet::from(["http".to_string()]),
        "only nodes whose `broker` metadata is `http` are the HTTP broker's subscribers: a \
         node of another broker, or one with no metadata, gets nothing"
    );
}

#[test]
fn one_node_of_each_queue_group_and_every_group_gets_one() {
    let nodes = [
        node("w1", "orders", "workers"),
        node("w2", "orders", "workers"),
        node("w3", "orders", "workers"),
        node("a1", "orders", "audit"),
        node("a2", "orders", "audit"),
        node("all", "orders", BROADCAST_VERSION),
    ];
    let mut chosen_workers = BTreeSet::new();
    for _ in 0..300 {
        let chosen = ids(&targets(&nodes, "orders"));
        assert_eq!(
            chosen.len(),
            3,
            "one worker, one auditor, the broadcast: {chosen:?}"
        );
        assert!(
            chosen.contains("all"),
            "a broadcast subscriber (version {BROADCAST_VERSION}) gets every message: {chosen:?}"
        );
        let workers: Vec<_> = chosen.iter().filter(|id| id.starts_with('w')).collect();
        let auditors = chosen
            .iter()
            .filter(|id| id.starts_with('a') && *id != "all");
        assert_eq!(
            workers.len(),
            1,
            "a queue group (the nodes of one version, here `workers`) gets each message \
             once, at one of its nodes: {chosen:?}"
        );
        assert_eq!(
            auditors.count(),
            1,
            "every queue group gets the message, `audit` as well as `workers`: {chosen:?}"
        );
        chosen_workers.insert(workers[0].clone());
    }
    assert_eq!(
        chosen_workers.len(),
        3,
        "300 messages, and some worker never got one: the choice must spread"
    );
}
