//! Checks `rpc.client`: `cargo test -p l02-rpc --test call_deadline`.
//!
//! A call with a deadline gives up in time, and leaves nothing in the table of pending calls
//! however it ends: answered, timed out, dropped by its caller, or aborted.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use l02_rpc::exercises::client::{Client, RpcError};
use l02_rpc::frame::{encode, read_frame};
use l02_rpc::message::{Reply, Request};
use serde_json::json;
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// Long enough for any answer that is coming; the calls that should time out use less.
const PLENTY: Duration = Duration::from_secs(10);

/// A server for one connection that reads requests and never answers them.
async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        while let Ok(Some(_)) = read_frame(&mut stream).await {}
    });
    addr
}

/// A server for one connection that answers the first request only after the second one
/// has come, and then answers both, the first (late) one first.
async fn late_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut requests = Vec::new();
        while requests.len() < 2 {
            let Ok(Some(payload)) = read_frame(&mut stream).await else {
                return;
            };
            requests.push(serde_json::from_slice::<Request>(&payload).expect("a request"));
        }
        for request in requests {
            let frame = encode(&Reply::ok(request.id, request.params)).expect("encode");
            stream.write_all(&frame).await.expect("write");
        }
        let _ = read_frame(&mut stream).await;
    });
    addr
}

async fn connect(addr: SocketAddr) -> Client {
    within("Client::connect", Client::connect(addr))
        .await
        .expect("Client::connect")
}

#[tokio::test]
async fn an_answer_in_time_is_the_result() {
    let server = support::start(support::hello_registry()).await;
    let client = connect(server.addr).await;
    let result = within(
        "a call to the real server",
        client.call_within("hello.HelloWorld", "gopher", PLENTY),
    )
    .await;
    assert_eq!(result.expect("the reply"), json!("gopher hello world"));
    assert_eq!(client.calls_waiting(), 0, "an answered call left its entry");
    let error = within(
        "a call that fails",
        client.call_within("hello.Nothing", "gopher", PLENTY),
    )
    .await;
    assert!(
        matches!(error, Err(RpcError::Service(_))),
        "an error reply is a service error: {error:?}"
    );
}

#[tokio::test]
async fn a_silent_server_times_out_and_leaves_nothing_waiting() {
    let client = connect(silent_server().await).await;
    let deadline = Duration::from_millis(100);
    let outcome = within(
        "a call with a 100 ms deadline to give up",
        client.call_within("a.B", json!(1), deadline),
    )
    .await;
    match outcome {
        Err(RpcError::TimedOut(after)) => assert_eq!(after, deadline),
        other => panic!("expected Err(RpcError::TimedOut(100ms)), got {other:?}"),
    }
    assert_eq!(
        client.calls_waiting(),
        0,
        "the call gave up but left its entry in the table"
    );
}

#[tokio::test]
async fn a_caller_that_stops_waiting_leaves_nothing_waiting() {
    let client = connect(silent_server().await).await;
    // The caller's own timeout drops the call's future in the middle of its wait.
    let call = client.call_within("a.B", json!(1), PLENTY);
    let gave_up = tokio::time::timeout(Duration::from_millis(50), call).await;
    assert!(gave_up.is_err(), "the silent server answered: {gave_up:?}");
    assert_eq!(
        client.calls_waiting(),
        0,
        "the call's future was dropped but its entry stayed"
    );
}

#[tokio::test]
async fn an_aborted_call_leaves_nothing_waiting() {
    let client = connect(silent_server().await).await;
    let calls = client.clone();
    let task = tokio::spawn(async move { calls.call_within("a.B", json!(1), PLENTY).await });
    within("the call to register itself", async {
        while client.calls_waiting() == 0 && !task.is_finished() {
            tokio::task::yield_now().await;
        }
    })
    .await;
    if task.is_finished() {
        // deadline: finished, as just asked
        panic!("the call ended before it was aborted: {:?}", task.await);
    }
    task.abort();
    assert!(task.await.expect_err("aborted").is_cancelled());
    assert_eq!(
        client.calls_waiting(),
        0,
        "the task was aborted but its call's entry stayed"
    );
}

#[tokio::test]
async fn a_late_reply_goes_to_nobody_and_the_connection_goes_on() {
    let client = connect(late_server().await).await;
    let first = within(
        "the first call to give up",
        client.call_within("echo.Params", json!("first"), Duration::from_millis(50)),
    )
    .await;
    assert!(
        matches!(first, Err(RpcError::TimedOut(_))),
        "the first call should time out: {first:?}"
    );
    let second = within(
        "the second call",
        client.call_within("echo.Params", json!("second"), PLENTY),
    )
    .await;
    assert_eq!(
        second.expect("the second reply"),
        json!("second"),
        "the second call got the first one's late reply"
    );
    assert_eq!(client.calls_waiting(), 0);
}
