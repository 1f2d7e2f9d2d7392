//! Exercise `jsonrpc.concurrent-client`: calls in flight together, replies matched by id.

mod support;

use std::net::SocketAddr;

use futures::future::join_all;
use l03_jsonrpc::exercises::concurrent_client::Client;
use l03_jsonrpc::methods;
use serde_json::{Value, json};
use support::start_tcp;
use testkit::within;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A server that waits until `calls` requests have arrived, then answers them in reverse
/// order; each result is the request's params, so a mixed-up reply shows.
async fn start_reversing_server(calls: usize) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (reader, mut writer) = stream.into_split();
        let mut lines = BufReader::new(reader).lines();
        let mut requests = Vec::new();
        while requests.len() < calls {
            let Ok(Some(line)) = lines.next_line().await else {
                return;
            };
            requests.push(serde_json::from_str::<Value>(&line).unwrap());
        }
        for request in requests.iter().rev() {
            let reply = json!({"jsonrpc": "2.0", "result": request["params"], "id": request["id"]});
            writer
                .write_all(format!("{reply}\n").as_bytes())
                .await
                .unwrap();
        }
        // Keep the connection open until the client closes it.
        while let Ok(Some(_)) = lines.next_line().await {}
    });
    addr
}

#[tokio::test]
async fn calls_in_flight_together_get_their_own_replies() {
    const CALLS: usize = 8;
    let addr = start_reversing_server(CALLS).await;
    let client = within("connecting", Client::connect(addr)).await.unwrap();
    let calls = (0..CALLS).map(|i| client.call("echo", json!([i])));
    let results = within(
        "8 replies (this server answers only once all 8 calls have arrived: are they sent \
         before any reply is awaited?)",
        join_all(calls),
    )
    .await;
    for (i, result) in results.into_iter().enumerate() {
        assert_eq!(
            result.unwrap(),
            json!([i]),
            "call {i} got another call's reply"
        );
    }
}

#[tokio::test]
async fn many_calls_to_the_worked_server() {
    let addr = start_tcp(methods::handler()).await;
    let client = within("connecting", Client::connect(addr)).await.unwrap();
    let calls = (0..200).map(|i| client.call("hello.HelloWorld", json!([format!("n{i}")])));
    let results = within("200 replies", join_all(calls)).await;
    for (i, result) in results.into_iter().enumerate() {
        assert_eq!(result.unwrap(), format!("n{i} hello world"));
    }
}

#[tokio::test]
async fn an_error_reply_keeps_its_code() {
    let addr = start_tcp(methods::handler()).await;
    let client = within("connecting", Client::connect(addr)).await.unwrap();
    let error = within("a failing call", client.call("hello.Nope", json!([])))
        .await
        .unwrap_err();
    let rpc_error = error
        .downcast_ref::<jsonrpc_core::Error>()
        .unwrap_or_else(|| panic!("expected a jsonrpc_core::Error inside, got {error:#}"));
    assert_eq!(rpc_error.code.code(), -32601);
    let by_name = within(
        "a call after the error",
        client.call("hello.HelloWorld", json!({"name": "ok"})),
    )
    .await;
    assert_eq!(by_name.unwrap(), "ok hello world");
}

#[tokio::test]
async fn a_call_fails_when_the_connection_closes() {
    // This server reads one request and hangs up without answering.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut lines = BufReader::new(stream).lines();
        let _ = lines.next_line().await;
    });
    let client = within("connecting", Client::connect(addr)).await.unwrap();
    let result = within(
        "the call to fail once the server has hung up (a pending call must not wait forever)",
        client.call("hello.HelloWorld", json!(["anyone"])),
    )
    .await;
    assert!(
        result.is_err(),
        "no reply came, yet the call returned {result:?}"
    );
}
