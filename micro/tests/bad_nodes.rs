//! Bad nodes in the registry: the framework's client calls by name without a failed call.
//! Nodes at addresses where nothing listens, a node at a live gRPC server that does not
//! serve the service, and nodes that are no gRPC server at all, beside good ones: the call
//! goes to another node, and a node whose call failed there is set aside for a while. A
//! refused connection never ran, so any call goes on; the rest took the request, so only a
//! method declared idempotent (SayHello, here by the caller) goes on.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::support::misbehaving::{Misbehaving, Misbehaviour};
use crate::support::{Greeter, NoGreeter, dead_address, hostile_calls, node, unique_service};
use micro::client::{MicroClient, SAY_HELLO};
use micro::registry::etcd::EtcdRegistry;
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry};
use micro::selector::RoundRobin;
use testkit::{EtcdCluster, within};
use tonic::Code;

const TTL: Duration = Duration::from_secs(5);

/// Registers `nodes` under `service` in the cluster, and a client on another registry.
async fn registered(
    cluster: &EtcdCluster,
    service: &str,
    nodes: &[Node],
) -> (EtcdRegistry, MicroClient) {
    let registry = EtcdRegistry::connect(&cluster.endpoints(), TTL)
        .await
        .unwrap();
    for node in nodes {
        within("register", registry.register(service, node))
            .await
            .unwrap();
    }
    let theirs = EtcdRegistry::connect(&cluster.endpoints(), TTL)
        .await
        .unwrap();
    let client = MicroClient::new(Arc::new(theirs), Box::new(RoundRobin::default()));
    (registry, client)
}

/// Makes `calls` calls; every one must succeed, on `expected`.
async fn all_answered_by(client: &MicroClient, service: &str, calls: usize, expected: &str) {
    let started = std::time::Instant::now();
    for n in 0..calls {
        let (node, _) = within("a call", client.say_hello(service, "Ada"))
            .await
            .unwrap_or_else(|status| panic!("call {n} failed: {status:?}"));
        assert_eq!(node.id, expected, "call {n}");
    }
    eprintln!("{calls} calls, none failed, in {:?}", started.elapsed());
}

#[tokio::test]
async fn three_unreachable_nodes_beside_a_good_one_cost_no_failed_call() {
    let cluster = testkit::etcd_cluster(3).await;
    let service = unique_service("unreachable");
    let good = Greeter::start("good").await;
    let nodes = [
        node("dead-1", &dead_address()),
        node("dead-2", &dead_address()),
        node("dead-3", &dead_address()),
        good.node.clone(),
    ];
    let (_registry, client) = registered(&cluster, &service, &nodes).await;
    all_answered_by(&client, &service, hostile_calls(), "good").await;
}

#[tokio::test]
async fn a_node_without_the_service_is_tried_elsewhere_and_set_aside() {
    let cluster = testkit::etcd_cluster(3).await;
    let service = unique_service("unimplemented");
    let without = NoGreeter::start("without").await;
    let good = Greeter::start("good").await;
    let nodes = [without.node.clone(), good.node.clone()];
    let (_registry, client) = registered(&cluster, &service, &nodes).await;
    let client = client
        .set_aside_for(Duration::from_secs(60))
        .idempotent(SAY_HELLO);
    all_answered_by(&client, &service, hostile_calls(), "good").await;
    assert_eq!(
        without.calls.load(Ordering::Relaxed),
        1,
        "after answering Unimplemented once, the node is set aside"
    );
}

#[tokio::test]
async fn nodes_that_are_not_grpc_servers_cost_no_failed_call_and_are_set_aside() {
    let service = unique_service("not-grpc");
    let registry = MemoryRegistry::default();
    let good = Greeter::start("good").await;
    registry.register(&service, &good.node).await.unwrap();
    let mut bad = Vec::new();
    for how in [
        Misbehaviour::Http1Page,
        Misbehaviour::Garbage,
        Misbehaviour::ResetOnAccept,
    ] {
        let node = Misbehaving::start(&format!("{how:?}"), how).await;
        registry.register(&service, &node.node).await.unwrap();
        bad.push((how, node));
    }
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()))
        .set_aside_for(Duration::from_secs(60))
        .idempotent(SAY_HELLO);
    // Each bad node is tried, fails, and is set aside: the next calls do not reach it.
    all_answered_by(&client, &service, hostile_calls(), "good").await;
    let tried: Vec<usize> = bad.iter().map(|(_, node)| node.connections()).collect();
    all_answered_by(&client, &service, hostile_calls(), "good").await;
    let again: Vec<usize> = bad.iter().map(|(_, node)| node.connections()).collect();
    assert_eq!(
        again,
        tried,
        "{bad:?} are set aside",
        bad = bad.iter().map(|(how, _)| how).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn every_node_set_aside_is_tried_again_rather_than_none() {
    let service = unique_service("all-aside");
    let registry = MemoryRegistry::default();
    let dead = node("dead", &dead_address());
    registry.register(&service, &dead).await.unwrap();
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()))
        .set_aside_for(Duration::from_secs(60));
    let first = within("a call", client.say_hello(&service, "Ada")).await;
    assert_eq!(
        first.expect_err("the only node is dead").code(),
        Code::Unavailable
    );
    let second = within("a call", client.say_hello(&service, "Ada")).await;
    let status = second.expect_err("still dead");
    assert_eq!(status.code(), Code::Unavailable);
    assert!(
        !status.message().contains("no node"),
        "the node set aside was tried again, not skipped: {status:?}"
    );
}

#[tokio::test]
async fn a_node_that_never_answers_costs_the_deadline_not_more() {
    let service = unique_service("silent");
    let registry = MemoryRegistry::default();
    let silent = Misbehaving::start("silent", Misbehaviour::Silent).await;
    registry.register(&service, &silent.node).await.unwrap();
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()))
        .deadline(Duration::from_millis(300));
    let answer = within("a call to a silent node", client.say_hello(&service, "Ada")).await;
    let status = answer.expect_err("nobody answers");
    assert!(
        matches!(status.code(), Code::DeadlineExceeded | Code::Unavailable),
        "{status:?}"
    );
}
