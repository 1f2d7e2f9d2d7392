//! `l11-micro api` in front of nodes that misbehave: one that never answers, ones that are no
//! gRPC server (a web page, noise, a port that resets), one where nothing listens. Beside a
//! good node, none costs a failed request of a method the nodes declare idempotent (the
//! others took the request, which may have run); alone, each gets one JSON error that
//! names it.

use crate::program;
use crate::support;

use std::time::{Duration, Instant};

use micro::registry::consul::ConsulRegistry;
use micro::registry::{Node, Registry, idempotent_endpoints};
use program::api::{UserNode, error_of, registry, request, request_with, start};
use support::misbehaving::{Misbehaving, Misbehaviour};
use support::{dead_address, node, unique_service};
use testkit::PATIENCE;

/// A Consul agent, a gateway in front of it with `--deadline DEADLINE`, and a registry to
/// write nodes into by hand.
async fn gateway(deadline: &str) -> (testkit::ConsulAgent, testkit::ServerProcess, ConsulRegistry) {
    let agent = testkit::consul().await;
    let gateway = start(
        &registry("consul", agent.url(), "1s"),
        &["api", "--deadline", deadline],
        &[],
    )
    .await;
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(10)).unwrap();
    // Its first request pays for what it sets up once (the registry's client and more).
    let _warm_up = request(&gateway, "/nobody/say/hello", None).await;
    (agent, gateway, consul)
}

#[tokio::test]
async fn a_silent_node_is_a_may_have_run_answer_for_every_caller_at_once() {
    // Short: every request that reaches the silent node waits it out.
    let (_agent, gateway, consul) = gateway("2s").await;
    let client = reqwest::Client::new();
    let service = unique_service("user");
    let good = UserNode::start("good").await;
    let silent = Misbehaving::start("silent", Misbehaviour::Silent).await;
    let path = format!("/{service}/say/hello?name=huohuo");
    // The schema is learnt from the good node first, so that every failure below is a call
    // the silent node took (a deadline that passes while a schema is asked for is a call
    // that never ran: 503, as `a_node_alone` shows).
    consul.register(&service, &good.node).await.unwrap();
    // On a busy machine the short deadline can pass before the good node is done: while the
    // schema is learnt (a 503 that never ran, and the next request finds the schema learnt),
    // or while the call itself runs (a 504 that may have run, as the silent node's are).
    // Either is the machine's slowness, not the gateway's mistake; anything else is.
    let until = Instant::now() + PATIENCE;
    loop {
        let (status, body) = request_with(&client, &gateway, &path, None).await;
        if status == 200 {
            break;
        }
        let never_ran = status == 503 && body["may_have_run"] == false;
        let too_slow = status == 504 && may_have_run(status, &body);
        assert!(
            (never_ran || too_slow) && Instant::now() < until,
            "the good node alone: {status} {body}"
        );
    }
    consul.register(&service, &silent.node).await.unwrap();
    // Until the gateway's watch has the silent node, every request goes to the good one.
    let until = Instant::now() + PATIENCE;
    let first = loop {
        let answer = request_with(&client, &gateway, &path, None).await;
        if answer.0 != 200 {
            break answer;
        }
        assert!(Instant::now() < until, "no request reached the silent node");
    };
    assert!(may_have_run(first.0, &first.1), "{first:?}");
    // Six callers at once, three requests each: about half reach the silent node, and each
    // of those must be one answer that says the call may have run (the silent node took the
    // request): 504 when the deadline saw it first, 502 when the connection's unanswered
    // pings did.
    let callers = (0..6).map(|_| async {
        let mut answers = Vec::new();
        for _ in 0..3 {
            answers.push(request_with(&client, &gateway, &path, None).await);
        }
        answers
    });
    let answers: Vec<_> = futures::future::join_all(callers)
        .await
        .into_iter()
        .flatten()
        .collect();
    for (status, body) in answers {
        assert!(
            status == 200 || may_have_run(status, &body),
            "{status} {body}"
        );
    }

    // Alone, the silent node's schema is never learnt, so the call itself is never sent:
    // 503, never ran, whether the gateway's deadline comes first (`DeadlineExceeded`) or
    // the connection's unanswered pings end the schema's question (`Unavailable`).
    let alone = unique_service("silent");
    consul.register(&alone, &silent.node).await.unwrap();
    let answer = request_with(&client, &gateway, &format!("/{alone}/say/hello"), None).await;
    assert_eq!(answer.1["may_have_run"], false, "{answer:?}");
    let answer = error_of(answer);
    assert!([(503, 4), (503, 14)].contains(&answer), "{answer:?}");
}

/// Whether an answer is 504 `DeadlineExceeded` or 502 `Unknown`, and says the call may have
/// run (the gateway's own deadline as much as the call's).
fn may_have_run(status: u16, body: &serde_json::Value) -> bool {
    let answer = error_of((status, body.clone()));
    [(504, 4), (502, 2)].contains(&answer) && body["may_have_run"] == true
}

#[tokio::test]
async fn nodes_that_are_no_grpc_server_cost_no_failed_request() {
    let (_agent, gateway, consul) = gateway("30s").await;
    let client = reqwest::Client::new();
    let service = unique_service("user");
    // Every node declares Say.Hello idempotent, as the user service does.
    let declaring = |mut node: Node| {
        node.endpoints = idempotent_endpoints(&["Say.Hello".to_string()]);
        node
    };
    let good = UserNode::start("good").await;
    consul
        .register(&service, &declaring(good.node.clone()))
        .await
        .unwrap();
    let mut bad = Vec::new();
    for how in [
        Misbehaviour::Http1Page,
        Misbehaviour::Garbage,
        Misbehaviour::ResetOnAccept,
    ] {
        let misbehaving = Misbehaving::start(&format!("{how:?}"), how).await;
        let listed = declaring(misbehaving.node.clone());
        consul.register(&service, &listed).await.unwrap();
        bad.push(misbehaving);
    }
    let closed = declaring(node("closed", &dead_address()));
    consul.register(&service, &closed).await.unwrap();
    let path = format!("/{service}/say/hello?name=huohuo");
    // Each bad node is tried, fails, and is set aside: the next requests do not reach it.
    let mut tried = Vec::new();
    for round in 0..2 {
        for n in 0..support::hostile_calls() {
            let (status, reply) = request_with(&client, &gateway, &path, None).await;
            assert_eq!(status, 200, "request {n}: {reply}");
            assert_eq!(reply["msg"], "Hello huohuo from good", "request {n}");
        }
        let connections: Vec<usize> = bad.iter().map(Misbehaving::connections).collect();
        if round == 1 {
            assert_eq!(connections, tried, "the bad nodes are set aside");
        }
        tried = connections;
    }
}

#[tokio::test]
async fn a_node_alone_answers_503_naming_it() {
    let (_agent, gateway, consul) = gateway("30s").await;
    let client = reqwest::Client::new();
    let cases = [
        Some(Misbehaviour::Http1Page),
        Some(Misbehaviour::Garbage),
        Some(Misbehaviour::ResetOnAccept),
        None,
    ];
    let mut running = Vec::new();
    for how in cases {
        let service = unique_service("alone");
        let id = format!("{service}-{how:?}");
        let node = match how {
            Some(how) => {
                let misbehaving = Misbehaving::start(&id, how).await;
                let node = misbehaving.node.clone();
                running.push(misbehaving);
                node
            }
            None => node(&id, &dead_address()),
        };
        consul.register(&service, &node).await.unwrap();
        let (status, body) =
            request_with(&client, &gateway, &format!("/{service}/say/hello"), None).await;
        assert_eq!(
            error_of((status, body.clone())),
            (503, 14),
            "{how:?}: {body}"
        );
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(&id), "{how:?}: {message} names the node");
    }
}
