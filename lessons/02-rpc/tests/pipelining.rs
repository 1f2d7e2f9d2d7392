//! The worked example's client pipelines: `cargo test -p l02-rpc --test main pipelining::`.

use crate::support;

use std::net::SocketAddr;

use futures::future::join_all;
use l02_rpc::client::{Client, RpcError};
use l02_rpc::frame::{encode, read_frame};
use l02_rpc::message::{Reply, Request};
use serde_json::json;
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

/// A server for one connection that reads `count` requests before it answers any, then
/// answers them in reverse order with `answer`. A client that waits for each reply before
/// sending the next request never gets one.
async fn reversing_server(count: usize, answer: fn(Request) -> Reply) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut requests = Vec::new();
        while requests.len() < count {
            let Ok(Some(payload)) = read_frame(&mut stream).await else {
                return;
            };
            requests.push(
                serde_json::from_slice::<Request>(&payload)
                    .expect("the client sent a valid request"),
            );
        }
        for request in requests.into_iter().rev() {
            let frame = encode(&answer(request)).expect("encode");
            stream.write_all(&frame).await.expect("write");
        }
        // Keep the connection open until the client closes it.
        let _ = read_frame(&mut stream).await;
    });
    addr
}

async fn connect(addr: SocketAddr) -> Client {
    within("Client::connect", Client::connect(addr))
        .await
        .expect("Client::connect")
}

// ANCHOR: reverse
#[tokio::test]
async fn pipelined_calls_are_matched_by_id_when_replies_come_in_reverse() {
    let addr = reversing_server(5, |request| Reply::ok(request.id, request.params)).await;
    let client = connect(addr).await;
    let calls = (0..5).map(|i| client.call("echo.Params", json!(format!("call {i}"))));
    let outcomes = within(
        "5 calls sent at once (the server answers only after it has all 5)",
        join_all(calls),
    )
    .await;
    for (i, outcome) in outcomes.into_iter().enumerate() {
        match outcome {
            Ok(result) => assert_eq!(
                result,
                json!(format!("call {i}")),
                "call {i} got another call's reply"
            ),
            Err(error) => panic!("call {i} failed: {error}"),
        }
    }
}
// ANCHOR_END: reverse

#[tokio::test]
async fn every_request_has_its_own_id() {
    let addr = reversing_server(3, |request| Reply::ok(request.id, json!(request.id))).await;
    let client = connect(addr).await;
    let outcomes = within(
        "3 calls",
        join_all((0..3).map(|_| client.call("id.Echo", json!(null)))),
    )
    .await;
    let mut ids: Vec<u64> = outcomes
        .into_iter()
        .map(|outcome| serde_json::from_value(outcome.expect("call")).expect("an id"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "three calls must send three different ids");
}

#[tokio::test]
async fn an_error_reply_is_a_service_error() {
    let addr = reversing_server(2, |request| match request.method.as_str() {
        "a.Fails" => Reply::error(request.id, "no, sorry"),
        _ => Reply::ok(request.id, json!("fine")),
    })
    .await;
    let client = connect(addr).await;
    let (failed, fine) = within(
        "2 calls",
        futures::future::join(
            client.call("a.Fails", json!(1)),
            client.call("a.Works", json!(2)),
        ),
    )
    .await;
    match failed {
        Err(RpcError::Service(message)) => assert_eq!(message, "no, sorry"),
        other => {
            panic!("an error reply should be Err(RpcError::Service(\"no, sorry\")), got {other:?}")
        }
    }
    assert_eq!(fine.expect("the other call"), json!("fine"));
}

#[tokio::test]
async fn calls_fail_instead_of_waiting_forever_when_the_connection_ends() {
    // A server that reads one request and hangs up without replying.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut stream, _): (TcpStream, _) = listener.accept().await.expect("accept");
        let _ = read_frame(&mut stream).await;
    });
    let client = connect(addr).await;
    let outcome = within(
        "the call to fail once the server hung up",
        client.call("a.B", json!(1)),
    )
    .await;
    assert!(
        outcome.is_err(),
        "the server hung up without replying, yet the call returned {outcome:?}"
    );
    let outcome = within(
        "a call on a closed connection to fail",
        client.call("a.B", json!(2)),
    )
    .await;
    assert!(
        outcome.is_err(),
        "a call after the connection ended returned {outcome:?}"
    );
}

#[tokio::test]
async fn many_calls_against_the_real_server() {
    let server = support::start(support::hello_registry()).await;
    let client = connect(server.addr).await;
    let names: Vec<String> = (0..200).map(|i| format!("caller {i}")).collect();
    let calls = names
        .iter()
        .map(|name| client.call("hello.HelloWorld", json!(name)));
    let outcomes = within("200 concurrent calls on one connection", join_all(calls)).await;
    for (name, outcome) in names.iter().zip(outcomes) {
        assert_eq!(outcome.expect("call"), json!(format!("{name} hello world")));
    }
}
