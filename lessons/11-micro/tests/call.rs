//! `micro.call`: select, call, and while the call cannot have run, call another node.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};

use l11_micro::exercises::call::call;
use micro::registry::Node;
use micro::selector::RoundRobin;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use support::{Greeter, NoGreeter, dead_address, node, tally};
use testkit::within;
use tonic::{Code, Status};

/// `SayHello(name)` on `node`, as the framework's client does it.
async fn say_hello(node: Node, name: &str) -> Result<String, Status> {
    // The connection's error as tonic gives it, its sources kept: they say whether the call
    // left (`cannot_have_run` reads them), which a message alone cannot.
    let mut greeter = GreeterClient::connect(format!("http://{}", node.address))
        .await
        .map_err(|error| Status::from_error(Box::new(error)))?;
    let request = HelloRequest {
        name: name.to_string(),
    };
    Ok(greeter.say_hello(request).await?.into_inner().message)
}

#[tokio::test]
async fn calls_go_round_the_nodes() {
    let greeters = [
        Greeter::start("a").await,
        Greeter::start("b").await,
        Greeter::start("c").await,
    ];
    let nodes: Vec<Node> = greeters.iter().map(|g| g.node.clone()).collect();
    let selector = RoundRobin::default();
    let mut answered = Vec::new();
    for _ in 0..30 {
        let (node, reply) = within(
            "a call",
            call("svc", &nodes, &selector, |node| say_hello(node, "Ada")),
        )
        .await
        .expect("every node is up: no call should fail");
        assert_eq!(
            reply,
            format!("Hello Ada from {}", node.id),
            "the node returned is the one that answered"
        );
        answered.push(node.id);
    }
    let counts = tally(answered.iter().map(String::as_str));
    assert_eq!(
        counts.values().copied().collect::<Vec<_>>(),
        [10, 10, 10],
        "round-robin over 3 nodes: {counts:?}"
    );
}

#[tokio::test]
async fn a_dead_node_costs_no_failed_call() {
    let live = [Greeter::start("a").await, Greeter::start("c").await];
    let nodes = vec![
        live[0].node.clone(),
        node("b", &dead_address()),
        live[1].node.clone(),
    ];
    let selector = RoundRobin::default();
    for _ in 0..12 {
        let (node, _reply) = within(
            "a call",
            call("svc", &nodes, &selector, |node| say_hello(node, "Ada")),
        )
        .await
        .expect("a call to the dead node b should be retried on another node");
        assert_ne!(node.id, "b");
    }
}

#[tokio::test]
async fn no_nodes_is_unavailable_naming_the_service() {
    let tried = AtomicUsize::new(0);
    let answer = within(
        "a call with no nodes",
        call("billing", &[], &RoundRobin::default(), |node| {
            tried.fetch_add(1, Ordering::Relaxed);
            say_hello(node, "Ada")
        }),
    )
    .await;
    let status = answer.expect_err("there is no node to call");
    assert_eq!(status.code(), Code::Unavailable);
    assert!(
        status.message().contains("billing"),
        "the error should name the service: {status:?}"
    );
    assert_eq!(tried.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let greeters = [Greeter::start("a").await, Greeter::start("b").await];
    let nodes: Vec<Node> = greeters.iter().map(|g| g.node.clone()).collect();
    let tried = AtomicUsize::new(0);
    let answer = within(
        "a call with an empty name",
        call("svc", &nodes, &RoundRobin::default(), |node| {
            tried.fetch_add(1, Ordering::Relaxed);
            say_hello(node, "")
        }),
    )
    .await;
    assert_eq!(
        answer.expect_err("an empty name is refused").code(),
        Code::InvalidArgument
    );
    assert_eq!(
        tried.load(Ordering::Relaxed),
        1,
        "InvalidArgument came from a working server: no retry"
    );
}

#[tokio::test]
async fn each_dead_node_is_tried_once() {
    let nodes = vec![
        node("x", &dead_address()),
        node("y", &dead_address()),
        node("z", &dead_address()),
    ];
    let tried = std::sync::Mutex::new(Vec::new());
    let answer = within(
        "a call to dead nodes",
        call("svc", &nodes, &RoundRobin::default(), |node| {
            tried.lock().unwrap().push(node.id.clone());
            say_hello(node, "Ada")
        }),
    )
    .await;
    assert_eq!(
        answer.expect_err("all nodes are down").code(),
        Code::Unavailable
    );
    let mut tried = tried.into_inner().unwrap();
    tried.sort();
    assert_eq!(tried, ["x", "y", "z"], "every node once, and no more");
}

#[tokio::test]
async fn three_dead_nodes_beside_a_live_one_cost_no_failed_call() {
    let live = Greeter::start("live").await;
    let nodes = vec![
        node("dead-1", &dead_address()),
        node("dead-2", &dead_address()),
        node("dead-3", &dead_address()),
        live.node.clone(),
    ];
    let selector = RoundRobin::default();
    for n in 0..12 {
        let (node, _reply) = within(
            "a call",
            call("svc", &nodes, &selector, |node| say_hello(node, "Ada")),
        )
        .await
        .unwrap_or_else(|status| panic!("call {n} failed: {status:?}"));
        assert_eq!(node.id, "live");
    }
}

#[tokio::test]
async fn a_servers_answer_is_the_answer_even_unimplemented() {
    // A node without the service answers `Unimplemented` itself: an answer from a server,
    // which may have run something, so it is not sent elsewhere.
    let without = NoGreeter::start("without").await;
    let live = Greeter::start("live").await;
    let nodes = vec![without.node.clone(), live.node.clone()];
    let selector = RoundRobin::default();
    let tried = AtomicUsize::new(0);
    let mut unimplemented = 0;
    for _ in 0..6 {
        let answer = within(
            "a call",
            call("svc", &nodes, &selector, |node| {
                tried.fetch_add(1, Ordering::Relaxed);
                say_hello(node, "Ada")
            }),
        )
        .await;
        if let Err(status) = answer {
            assert_eq!(status.code(), Code::Unimplemented, "{status:?}");
            unimplemented += 1;
        }
    }
    assert_eq!(tried.load(Ordering::Relaxed), 6, "one try a call");
    assert_eq!(unimplemented, without.calls.load(Ordering::Relaxed));
    assert!(
        unimplemented >= 1,
        "round robin reached the node without it"
    );
}
