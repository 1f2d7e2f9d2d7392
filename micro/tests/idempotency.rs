//! The framework's client under faults, counted by the servers: a call nobody declared
//! idempotent runs at most once, whatever fails — a node that hangs in the call, a node
//! killed mid-call, a node that never answers at all — and a call declared idempotent (by
//! the service in its registry record, or by the caller) is answered by another node.

use std::sync::Arc;
use std::time::Duration;

use crate::support::counting::{Counting, Then};
use crate::support::misbehaving::{Misbehaving, Misbehaviour};
use crate::support::unique_service;
use micro::client::{MicroClient, SAY_HELLO};
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry, idempotent_endpoints};
use micro::selector::RoundRobin;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use testkit::within;
use tonic::Status;

/// A client of `nodes` (registered in this order, the first one tried first), its tries
/// short: a per-try timeout of 200 ms within a deadline of 2 s.
async fn client_of(service: &str, nodes: &[&Node]) -> MicroClient {
    let registry = MemoryRegistry::default();
    for node in nodes {
        registry.register(service, node).await.unwrap();
    }
    MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()))
        .deadline(Duration::from_secs(2))
        .per_try(Duration::from_millis(200))
}

/// SayHello as `method`: `None`, a call the client cannot name (never idempotent).
async fn say_hello(
    client: &MicroClient,
    service: &str,
    method: Option<&str>,
) -> Result<String, Status> {
    let request = |channel| async move {
        let request = HelloRequest {
            name: "Ada".to_string(),
        };
        GreeterClient::new(channel).say_hello(request).await
    };
    let answer = match method {
        Some(method) => within("a call", client.call_method(service, method, request)).await,
        None => within("a call", client.call(service, request)).await,
    };
    answer.map(|(_node, reply)| reply.into_inner().message)
}

/// `id`'s node, declaring SayHello idempotent in its endpoints, or not.
fn declaring(mut node: Node, idempotent: bool) -> Node {
    if idempotent {
        node.endpoints = idempotent_endpoints(&[SAY_HELLO.to_string()]);
    }
    node
}

#[tokio::test]
async fn a_call_nobody_declared_idempotent_runs_once_when_its_node_hangs() {
    let service = unique_service("hangs");
    let hangs = Counting::start("a-hangs", Then::Hangs).await;
    let answers = Counting::start("b-answers", Then::Answers).await;
    for method in [None, Some(SAY_HELLO)] {
        let client = client_of(&service, &[&hangs.node, &answers.node]).await;
        let status = say_hello(&client, &service, method)
            .await
            .expect_err("it hangs");
        assert_eq!(status.code(), tonic::Code::DeadlineExceeded, "{status:?}");
        // A new call is not a second try: the node that hung is set aside, another answers.
        let reply = say_hello(&client, &service, method).await.unwrap();
        assert_eq!(reply, "Hello Ada from b-answers");
    }
    assert_eq!(
        (hangs.calls(), answers.calls()),
        (2, 2),
        "each call ran once"
    );
}

#[tokio::test]
async fn a_call_the_service_declares_idempotent_goes_to_another_node_when_one_hangs() {
    let service = unique_service("hangs-idempotent");
    let hangs = Counting::start("a-hangs", Then::Hangs).await;
    let answers = Counting::start("b-answers", Then::Answers).await;
    let nodes = [
        declaring(hangs.node.clone(), true),
        declaring(answers.node.clone(), true),
    ];
    let client = client_of(&service, &[&nodes[0], &nodes[1]]).await;
    let reply = say_hello(&client, &service, Some(SAY_HELLO)).await.unwrap();
    assert_eq!(reply, "Hello Ada from b-answers");
    assert_eq!((hangs.calls(), answers.calls()), (1, 1));
    assert_eq!(client.retries(), 1, "the retry was paid from the budget");
    // The node that hung is set aside: the next call goes straight to the other.
    say_hello(&client, &service, Some(SAY_HELLO)).await.unwrap();
    assert_eq!((hangs.calls(), answers.calls()), (1, 2));
}

#[tokio::test]
async fn a_service_that_declares_it_on_some_nodes_only_does_not_declare_it() {
    let service = unique_service("half-declared");
    let hangs = Counting::start("a-hangs", Then::Hangs).await;
    let answers = Counting::start("b-answers", Then::Answers).await;
    let nodes = [
        declaring(hangs.node.clone(), true),
        declaring(answers.node.clone(), false),
    ];
    let client = client_of(&service, &[&nodes[0], &nodes[1]]).await;
    assert!(say_hello(&client, &service, Some(SAY_HELLO)).await.is_err());
    assert_eq!((hangs.calls(), answers.calls()), (1, 0));
}

#[tokio::test]
async fn a_call_nobody_declared_idempotent_is_not_sent_again_when_its_node_dies_mid_call() {
    let service = unique_service("dies");
    let dying = Counting::start("a-dying", Then::Dies).await;
    let answers = Counting::start("b-answers", Then::Answers).await;
    let client = client_of(&service, &[&dying.node, &answers.node]).await;
    let status = say_hello(&client, &service, None)
        .await
        .expect_err("its node died");
    // Not `Unavailable`, which a caller following gRPC's rules would send again.
    assert_eq!(status.code(), tonic::Code::Unknown, "{status:?}");
    assert_eq!(micro::client::wire::marked_not_run(&status), Some(false));
    assert_eq!(dying.calls(), 1);
    assert_eq!(
        answers.calls(),
        0,
        "the call may have run: it is not sent again"
    );
    // Declared idempotent by the caller, the same call goes on to the other node.
    let client = client_of(&service, &[&dying.node, &answers.node])
        .await
        .idempotent(SAY_HELLO);
    let reply = say_hello(&client, &service, Some(SAY_HELLO)).await.unwrap();
    assert_eq!(reply, "Hello Ada from b-answers");
}

#[tokio::test]
async fn a_node_that_never_answers_at_all_costs_an_idempotent_call_one_per_try_timeout() {
    let service = unique_service("silent");
    let silent = Misbehaving::start("a-silent", Misbehaviour::Silent).await;
    let answers = Counting::start("b-answers", Then::Answers).await;
    let client = client_of(&service, &[&silent.node, &answers.node]).await;
    // Not idempotent: the call waits out its deadline on the silent node, and runs nowhere.
    assert!(say_hello(&client, &service, None).await.is_err());
    assert_eq!(answers.calls(), 0);
    // Declared idempotent by the caller: the next node answers.
    let client = client_of(&service, &[&silent.node, &answers.node])
        .await
        .idempotent(SAY_HELLO);
    let (node, _) = within("a call", client.say_hello(&service, "Ada"))
        .await
        .unwrap();
    assert_eq!(node.id, "b-answers");
    assert_eq!(answers.calls(), 1);
}
