//! `l11-micro api` in front of nodes that misbehave: one that never answers, ones that are no
//! gRPC server (a web page, noise, a port that resets), one where nothing listens. Beside a
//! good node, none costs a failed request; alone, each gets one JSON error that names it.

mod support;

use std::time::Duration;

use l11_micro::registry::Registry;
use l11_micro::registry::consul::ConsulRegistry;
use support::api::{UserNode, error_of, get, registry, request_with, start};
use support::misbehaving::{Misbehaving, Misbehaviour};
use support::{dead_address, node, unique_service};

/// A Consul agent, a gateway in front of it with `--deadline 2s`, and a registry to write
/// nodes into by hand.
async fn gateway() -> (testkit::ConsulAgent, testkit::ServerProcess, ConsulRegistry) {
    let agent = testkit::consul().await;
    let gateway = start(
        &registry("consul", agent.url()),
        &["api", "--deadline", "2s"],
        &[],
    )
    .await;
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(10)).unwrap();
    (agent, gateway, consul)
}

#[tokio::test]
async fn a_silent_node_is_504_for_every_caller_at_once() {
    let (_agent, gateway, consul) = gateway().await;
    let service = unique_service("user");
    let good = UserNode::start("good").await;
    let silent = Misbehaving::start("silent", Misbehaviour::Silent).await;
    consul.register(&service, &good.node).await.unwrap();
    consul.register(&service, &silent.node).await.unwrap();
    let path = format!("/{service}/say/hello?name=huohuo");
    // Six callers at once, three requests each: about half reach the silent node, and each
    // of those must be the deadline's one answer, whichever timer saw it first.
    let client = reqwest::Client::new();
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
    let mut timed_out = 0;
    for (status, body) in answers {
        if status == 200 {
            continue;
        }
        assert_eq!(error_of((status, body.clone())), (504, 4), "{body}");
        timed_out += 1;
    }
    assert!(timed_out > 0, "some requests went to the silent node");
}

#[tokio::test]
async fn nodes_that_are_no_grpc_server_cost_no_failed_request() {
    let (_agent, gateway, consul) = gateway().await;
    let service = unique_service("user");
    let good = UserNode::start("good").await;
    consul.register(&service, &good.node).await.unwrap();
    let mut bad = Vec::new();
    for how in [
        Misbehaviour::Http1Page,
        Misbehaviour::Garbage,
        Misbehaviour::ResetOnAccept,
    ] {
        let misbehaving = Misbehaving::start(&format!("{how:?}"), how).await;
        consul.register(&service, &misbehaving.node).await.unwrap();
        bad.push(misbehaving);
    }
    consul
        .register(&service, &node("closed", &dead_address()))
        .await
        .unwrap();
    let path = format!("/{service}/say/hello?name=huohuo");
    for n in 0..support::hostile_calls() {
        let (status, reply) = get(&gateway, &path).await;
        assert_eq!(status, 200, "request {n}: {reply}");
        assert_eq!(reply["msg"], "Hello huohuo from good", "request {n}");
    }
    for misbehaving in &bad {
        let id = &misbehaving.node.id;
        assert_eq!(
            misbehaving.connections(),
            1,
            "{id} is set aside after one try"
        );
    }
}

#[tokio::test]
async fn a_node_alone_answers_its_own_json_error_naming_it() {
    let (_agent, gateway, consul) = gateway().await;
    let cases = [
        (Some(Misbehaviour::Silent), (504, 4)),
        (Some(Misbehaviour::Http1Page), (503, 14)),
        (Some(Misbehaviour::Garbage), (503, 14)),
        (Some(Misbehaviour::ResetOnAccept), (503, 14)),
        (None, (503, 14)),
    ];
    let mut running = Vec::new();
    for (how, expected) in cases {
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
        let (status, body) = get(&gateway, &format!("/{service}/say/hello")).await;
        assert_eq!(
            error_of((status, body.clone())),
            expected,
            "{how:?}: {body}"
        );
        if expected.0 == 503 {
            let message = body["message"].as_str().unwrap();
            assert!(message.contains(&id), "{how:?}: {message} names the node");
        }
    }
}
