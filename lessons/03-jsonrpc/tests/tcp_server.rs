//! The worked example's TCP server: calls, notifications and batches, slow and pipelined
//! calls, and shutdown. Bad input is in `bad_input.rs`.

use crate::support;

use std::sync::Arc;

use jsonrpc_core::Value;
use l03_jsonrpc::{methods, tcp};
use serde_json::json;
use support::{Conn, error_code, hello, start_tcp};
use testkit::within;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};

#[tokio::test]
async fn hello_by_position_and_by_name() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;

    let reply = conn.call(&hello("bob", 1)).await;
    assert_eq!(
        reply,
        json!({"jsonrpc": "2.0", "result": "bob hello world", "id": 1})
    );

    let by_name =
        r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":{"name":"ann"},"id":"two"}"#;
    let reply = conn.call(by_name).await;
    assert_eq!(reply["result"], "ann hello world", "in {reply}");
    assert_eq!(
        reply["id"], "two",
        "the id comes back as it was sent: {reply}"
    );
}

#[tokio::test]
async fn typed_params_and_invalid_params() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;

    let add = |params: Value| {
        json!({"jsonrpc": "2.0", "method": "arith.Add", "params": params, "id": 1}).to_string()
    };
    assert_eq!(conn.call(&add(json!({"a": 2, "b": 3}))).await["result"], 5);
    for bad in [
        json!({"a": 2}),
        json!({"a": "two", "b": 3}),
        json!({"a": i64::MAX, "b": 1}),
    ] {
        let reply = conn.call(&add(bad.clone())).await;
        assert_eq!(error_code(&reply), -32602, "arith.Add {bad} → {reply}");
    }
    let reply = conn
        .call(r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":[42],"id":2}"#)
        .await;
    assert_eq!(
        error_code(&reply),
        -32602,
        "a number is not a name: {reply}"
    );
}

#[tokio::test]
async fn notifications_get_no_reply_and_batches_one_array() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;

    conn.send(r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["quiet"]}"#)
        .await;
    let reply = conn.call(&hello("loud", 5)).await;
    assert_eq!(
        reply["id"], 5,
        "the notification must not be answered: {reply}"
    );

    let batch = json!([
        {"jsonrpc": "2.0", "method": "arith.Add", "params": {"a": 1, "b": 2}, "id": 1},
        {"jsonrpc": "2.0", "method": "hello.HelloWorld", "params": ["nobody"]},
        {"jsonrpc": "2.0", "method": "hello.Nope", "id": 2},
    ]);
    let replies = conn.call(&batch.to_string()).await;
    let replies = replies
        .as_array()
        .expect("a batch is answered with an array");
    assert_eq!(
        replies.len(),
        2,
        "one reply per call with an id: {replies:?}"
    );
    assert!(
        replies.contains(&json!({"jsonrpc": "2.0", "result": 3, "id": 1})),
        "{replies:?}"
    );
    assert!(
        replies
            .iter()
            .any(|r| r["id"] == 2 && r["error"]["code"] == -32601),
        "{replies:?}"
    );
}

#[tokio::test]
async fn a_slow_call_does_not_hold_up_the_next_one() {
    // `gate.Wait` answers only when the test opens the gate.
    let gate = Arc::new(Notify::new());
    let mut io = methods::handler();
    io.add_method("gate.Wait", {
        let gate = gate.clone();
        move |_| {
            let gate = gate.clone();
            async move {
                // deadline: a method of the test's own, held until the test opens the gate;
                // the test waits for its reply within a bound
                gate.notified().await;
                Ok(Value::from("opened"))
            }
        }
    });
    let addr = start_tcp(io).await;
    let mut conn = Conn::connect(addr).await;

    conn.send(r#"{"jsonrpc":"2.0","method":"gate.Wait","id":1}"#)
        .await;
    let first = conn.call(&hello("quick", 2)).await;
    assert_eq!(
        first["id"], 2,
        "the quick call must not wait behind the slow one: {first}"
    );
    gate.notify_one();
    let second = conn.reply().await;
    assert_eq!(
        second,
        json!({"jsonrpc": "2.0", "result": "opened", "id": 1})
    );
}

#[tokio::test]
async fn pipelined_requests_all_get_their_reply() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    const CALLS: u64 = 2_000;
    let requests: String = (0..CALLS)
        .map(|id| hello(&format!("n{id}"), id) + "\n")
        .collect();
    conn.send_bytes(requests.as_bytes()).await;
    let mut seen = vec![false; CALLS as usize];
    for _ in 0..CALLS {
        let reply = conn.reply().await;
        let id = reply["id"].as_u64().expect("a reply with an id");
        assert_eq!(reply["result"], format!("n{id} hello world"));
        assert!(!seen[id as usize], "two replies for id {id}");
        seen[id as usize] = true;
    }
}

#[tokio::test]
async fn shutdown_finishes_and_closes_connections() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(tcp::serve(listener, Arc::new(methods::handler()), async {
        let _ = stopped.await;
    }));
    let mut conn = Conn::connect(addr).await;
    assert_eq!(
        conn.call(&hello("before", 1)).await["result"],
        "before hello world"
    );

    stop.send(()).unwrap();
    within("the server to shut down", server).await.unwrap();
    conn.expect_closed().await;
}
