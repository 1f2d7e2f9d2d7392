//! Bad input never costs more than the one connection it came on:
//! `cargo test -p l02-rpc --test main bad_input::`.

use crate::support;

use l02_rpc::frame::MAX_FRAME;
use l02_rpc::registry::{MethodFuture, Service};
use serde_json::{Value, json};
use support::{
    TestServer, connect, expect_closed, hello_registry, round_trip, send, start, write_raw,
};
use tokio::net::TcpStream;

/// Checks that a connection (or a new one) still gets correct answers.
async fn still_serving(stream: &mut TcpStream) {
    let reply = round_trip(
        stream,
        r#"{"id":100,"method":"hello.HelloWorld","params":"still"}"#,
    )
    .await;
    assert_eq!(reply, json!({"id": 100, "result": "still hello world"}));
}

/// A server, and a client connected before the bad input arrives.
async fn server_and_bystander() -> (TestServer, TcpStream) {
    let server = start(hello_registry()).await;
    let mut bystander = connect(server.addr).await;
    still_serving(&mut bystander).await;
    (server, bystander)
}

/// Asserts that `reply` is an error reply for `id` that mentions `expected`.
fn assert_error(reply: &Value, id: u64, expected: &str) {
    assert_eq!(reply["id"], json!(id), "got {reply}");
    assert!(
        reply.get("result").is_none(),
        "an error reply has no result: {reply}"
    );
    let message = reply["error"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error, got {reply}"));
    assert!(
        message.contains(expected),
        "{message:?} should mention {expected:?}"
    );
}

#[tokio::test]
async fn an_oversized_frame_closes_only_its_connection() {
    let (server, mut bystander) = server_and_bystander().await;
    for length in [MAX_FRAME as u32 + 1, u32::MAX] {
        let mut offender = connect(server.addr).await;
        write_raw(&mut offender, &length.to_be_bytes()).await;
        expect_closed(&mut offender).await;
    }
    still_serving(&mut bystander).await;
    still_serving(&mut connect(server.addr).await).await;
}

// ANCHOR: not_json
#[tokio::test]
async fn a_frame_that_is_not_json_closes_only_its_connection() {
    let (server, mut bystander) = server_and_bystander().await;
    for garbage in [
        "this is not json",
        "[1,2,3]",
        r#"{"method":"hello.HelloWorld","params":"no id"}"#,
        r#"{"id":-1}"#,
    ] {
        let mut offender = connect(server.addr).await;
        send(&mut offender, garbage).await;
        expect_closed(&mut offender).await;
    }
    still_serving(&mut bystander).await;
}
// ANCHOR_END: not_json

// ANCHOR: not_a_request
#[tokio::test]
async fn json_with_an_id_but_not_a_request_gets_an_error_reply() {
    let (_server, mut stream) = server_and_bystander().await;
    assert_error(
        &round_trip(&mut stream, r#"{"id":5,"params":"no method"}"#).await,
        5,
        "invalid request",
    );
    assert_error(
        &round_trip(&mut stream, r#"{"id":6,"method":42}"#).await,
        6,
        "invalid request",
    );
    still_serving(&mut stream).await;
}
// ANCHOR_END: not_a_request

#[tokio::test]
async fn unknown_services_and_methods_get_error_replies() {
    let (_server, mut stream) = server_and_bystander().await;
    assert_error(
        &round_trip(
            &mut stream,
            r#"{"id":1,"method":"nosuch.Thing","params":1}"#,
        )
        .await,
        1,
        "can't find service",
    );
    assert_error(
        &round_trip(&mut stream, r#"{"id":2,"method":"hello.Nope","params":1}"#).await,
        2,
        "can't find method",
    );
    assert_error(
        &round_trip(&mut stream, r#"{"id":3,"method":"nodot","params":1}"#).await,
        3,
        "ill-formed",
    );
    assert_error(
        &round_trip(
            &mut stream,
            r#"{"id":4,"method":"hello.HelloWorld","params":[1]}"#,
        )
        .await,
        4,
        "invalid params",
    );
    still_serving(&mut stream).await;
}

#[tokio::test]
async fn a_client_that_leaves_mid_frame_harms_nobody() {
    let (server, mut bystander) = server_and_bystander().await;
    for partial in [&[0u8, 0][..], &[0, 0, 0, 100, b'{', b'"'][..]] {
        let mut leaver = connect(server.addr).await;
        write_raw(&mut leaver, partial).await;
        drop(leaver);
    }
    still_serving(&mut bystander).await;
    still_serving(&mut connect(server.addr).await).await;
}

/// A service with bugs: one method panics while running, another while starting.
struct Buggy;

impl Service for Buggy {
    fn call(&self, method: &str, _params: Value) -> Option<MethodFuture> {
        match method {
            "PanicLater" => Some(Box::pin(async { panic!("a bug in the method") })),
            "PanicNow" => panic!("a bug in the service"),
            _ => None,
        }
    }
}

#[tokio::test]
async fn a_method_that_panics_gets_an_error_reply() {
    let mut registry = hello_registry();
    registry.register("buggy", Buggy);
    let server = start(registry).await;
    let mut stream = connect(server.addr).await;
    assert_error(
        &round_trip(&mut stream, r#"{"id":1,"method":"buggy.PanicLater"}"#).await,
        1,
        "panicked",
    );
    assert_error(
        &round_trip(&mut stream, r#"{"id":2,"method":"buggy.PanicNow"}"#).await,
        2,
        "panicked",
    );
    still_serving(&mut stream).await;
}

async fn start_http() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let serving = l02_rpc::http::serve(listener, hello_registry(), std::future::pending());
    tokio::spawn(serving);
    addr
}

#[tokio::test]
async fn the_http_server_refuses_what_is_not_an_http_head_at_once() {
    let addr = start_http().await;
    // A frame sent without the handshake: binary, with no end of line in sight.
    let mut stream = connect(addr).await;
    send(
        &mut stream,
        r#"{"id":1,"method":"hello.HelloWorld","params":"x"}"#,
    )
    .await;
    let answer = support::read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.0 400"), "got {answer:?}");
    // A head that never ends.
    let mut stream = connect(addr).await;
    write_raw(
        &mut stream,
        format!("CONNECT /_rpc_ HTTP/1.0\r\nX: {}", "y".repeat(10_000)).as_bytes(),
    )
    .await;
    let answer = support::read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.0 400"), "got {answer:?}");
    // And the server goes on.
    let client = testkit::within("dial", l02_rpc::http::dial(addr))
        .await
        .expect("dial");
    let greeting = testkit::within("a call", client.call("hello.HelloWorld", "ok")).await;
    assert_eq!(greeting.expect("call"), json!("ok hello world"));
}

#[tokio::test]
async fn clients_at_the_wrong_server_get_an_error_not_a_hang() {
    let http = start_http().await;
    let plain = start(hello_registry()).await;
    let client = l02_rpc::client::Client::connect(http)
        .await
        .expect("connect");
    let outcome = testkit::within(
        "a plain call to the HTTP server",
        client.call("hello.HelloWorld", "x"),
    )
    .await;
    assert!(outcome.is_err(), "got {outcome:?}");
    let dialled = testkit::within(
        "an HTTP dial to the plain server",
        l02_rpc::http::dial(plain.addr),
    )
    .await;
    assert!(
        dialled.is_err(),
        "the plain server does not speak HTTP, yet dial succeeded"
    );
}
