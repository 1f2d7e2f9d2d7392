//! The worked example end to end: `cargo test -p l02-rpc --test main worked_example::`.

use crate::support;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::join_all;
use l02_rpc::client::Client;
use l02_rpc::hello::{Hello, HelloClient, HelloService, register_hello_service};
use l02_rpc::registry::{MethodFuture, Registry, Service};
use l02_rpc::{frame, http};
use serde_json::{Value, json};
use support::{
    connect, hello_registry, read_to_close, receive, round_trip, send, start, write_raw,
};
use testkit::within;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// A service whose `Wait` method answers only once the test opens the gate.
struct Gate(Arc<Notify>);

impl Service for Gate {
    fn call(&self, method: &str, _params: Value) -> Option<MethodFuture> {
        let gate = Arc::clone(&self.0);
        match method {
            "Wait" => Some(Box::pin(async move {
                // deadline: a method of the test's own, held until the test opens the gate;
                // the test waits for its reply within a bound
                gate.notified().await;
                Ok(json!("opened"))
            })),
            _ => None,
        }
    }
}

fn gated_registry() -> (Registry, Arc<Notify>) {
    let gate = Arc::new(Notify::new());
    let mut registry = hello_registry();
    registry.register("gate", Gate(Arc::clone(&gate)));
    (registry, gate)
}

#[tokio::test]
async fn the_bytes_on_the_wire() {
    let server = start(hello_registry()).await;
    let mut stream = connect(server.addr).await;
    let request = br#"{"id":1,"method":"hello.HelloWorld","params":"gopher"}"#;
    frame::write_frame(&mut stream, request)
        .await
        .expect("write");
    let expected_reply = br#"{"id":1,"result":"gopher hello world"}"#;
    let mut reply = vec![0; 4 + expected_reply.len()];
    within("the reply", stream.read_exact(&mut reply))
        .await
        .expect("read the reply");
    assert_eq!(
        reply[..4],
        (expected_reply.len() as u32).to_be_bytes(),
        "the length prefix"
    );
    assert_eq!(
        reply[4..],
        expected_reply[..],
        "got {}",
        String::from_utf8_lossy(&reply[4..])
    );
}

#[tokio::test]
async fn the_typed_client_greets() {
    let server = start(hello_registry()).await;
    let hello = HelloClient::connect(server.addr).await.expect("connect");
    let greeting = within("hello_world", hello.hello_world("gopher".into())).await;
    assert_eq!(greeting.expect("hello_world"), "gopher hello world");
    // The service and the client fulfil the same contract.
    assert_eq!(
        Hello.hello_world("local".into()).await.expect("local call"),
        "local hello world"
    );
}

#[tokio::test]
async fn many_calls_on_many_connections() {
    let server = start(hello_registry()).await;
    let connections = (0..10).map(|c| async move {
        let client = Client::connect(server.addr).await.expect("connect");
        let calls = (0..100).map(|i| {
            let client = client.clone();
            async move {
                let name = format!("{c}/{i}");
                let reply = client.call("hello.HelloWorld", &name).await.expect("call");
                assert_eq!(reply, json!(format!("{name} hello world")));
            }
        });
        join_all(calls).await;
    });
    within("1000 calls on 10 connections", join_all(connections)).await;
}

#[tokio::test]
async fn a_slow_call_does_not_hold_up_the_calls_behind_it() {
    let (registry, gate) = gated_registry();
    let server = start(registry).await;
    let mut stream = connect(server.addr).await;
    send(
        &mut stream,
        r#"{"id":1,"method":"gate.Wait","params":null}"#,
    )
    .await;
    send(
        &mut stream,
        r#"{"id":2,"method":"hello.HelloWorld","params":"fast"}"#,
    )
    .await;
    assert_eq!(
        receive(&mut stream).await,
        json!({"id": 2, "result": "fast hello world"})
    );
    gate.notify_one();
    assert_eq!(
        receive(&mut stream).await,
        json!({"id": 1, "result": "opened"})
    );
}

/// Waits until connecting to `addr` is refused: the listener has been closed.
async fn wait_until_refused(addr: SocketAddr) {
    within("the listener to close", async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
}

#[tokio::test]
async fn shutdown_lets_calls_in_flight_finish() {
    let (registry, gate) = gated_registry();
    let server = start(registry).await;
    let mut stream = connect(server.addr).await;
    // One round trip first: the server has surely accepted this connection.
    let reply = round_trip(
        &mut stream,
        r#"{"id":0,"method":"hello.HelloWorld","params":"x"}"#,
    )
    .await;
    assert_eq!(reply, json!({"id": 0, "result": "x hello world"}));
    send(
        &mut stream,
        r#"{"id":1,"method":"gate.Wait","params":null}"#,
    )
    .await;
    server.stop.send(()).expect("stop");
    wait_until_refused(server.addr).await;
    gate.notify_one();
    assert_eq!(
        receive(&mut stream).await,
        json!({"id": 1, "result": "opened"})
    );
    drop(stream);
    within("the server to stop", server.stopped)
        .await
        .expect("server task");
}

async fn start_http() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut registry = Registry::new();
    register_hello_service(&mut registry, Hello);
    tokio::spawn(http::serve(listener, registry, std::future::pending()));
    addr
}

#[tokio::test]
async fn rpc_over_http_connect() {
    let addr = start_http().await;
    let client = within("dial", http::dial(addr)).await.expect("dial");
    let hello = HelloClient::new(client);
    let greetings = within(
        "two calls",
        join_all([hello.hello_world("a".into()), hello.hello_world("b".into())]),
    )
    .await;
    let greetings: Vec<String> = greetings
        .into_iter()
        .map(|g| g.expect("hello_world"))
        .collect();
    assert_eq!(greetings, ["a hello world", "b hello world"]);
}

#[tokio::test]
async fn http_requests_other_than_connect_are_refused() {
    let addr = start_http().await;
    let mut stream = connect(addr).await;
    write_raw(&mut stream, b"GET /_rpc_ HTTP/1.0\r\n\r\n").await;
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.0 405"), "got {answer:?}");

    let mut stream = connect(addr).await;
    write_raw(&mut stream, b"CONNECT /elsewhere HTTP/1.0\r\n\r\n").await;
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.0 404"), "got {answer:?}");
}
