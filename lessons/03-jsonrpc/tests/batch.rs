//! Exercise `jsonrpc.batch`: many calls in one request, replies matched by id.

mod support;

use std::net::SocketAddr;

use l03_jsonrpc::exercises::batch::hello_batch;
use l03_jsonrpc::methods;
use serde_json::{Value, json};
use support::start_tcp;
use testkit::within;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A server that answers one batch, its replies in reverse order, as a server may. A name
/// "bad" gets an error. Anything but a batch gets an error that says so.
async fn start_reversing_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (reader, mut writer) = stream.into_split();
        let mut line = String::new();
        BufReader::new(reader).read_line(&mut line).await.unwrap();
        let reply = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Array(calls)) => calls.iter().rev().map(answer).collect(),
            _ => error(
                -32600,
                "expected one batch: an array of calls on one line",
                &Value::Null,
            ),
        };
        writer
            .write_all(format!("{reply}\n").as_bytes())
            .await
            .unwrap();
    });
    addr
}

/// The reversing server's answer to one call of the batch.
fn answer(call: &Value) -> Value {
    match call["params"][0].as_str() {
        Some("bad") => error(1, "no such name", &call["id"]),
        Some(name) => {
            json!({"jsonrpc": "2.0", "result": format!("{name} hello world"), "id": call["id"]})
        }
        None => error(-32602, r#"expected ["name"]"#, &call["id"]),
    }
}

fn error(code: i64, message: &str, id: &Value) -> Value {
    json!({"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id})
}

#[tokio::test]
async fn greets_everyone_in_one_batch() {
    let addr = start_tcp(methods::handler()).await;
    let greetings = within("the batch", hello_batch(addr, &["ann", "bob", "čeněk"]))
        .await
        .unwrap();
    assert_eq!(
        greetings,
        ["ann hello world", "bob hello world", "čeněk hello world"]
    );
}

#[tokio::test]
async fn replies_in_any_order_are_put_back_in_order() {
    let addr = start_reversing_server().await;
    let names = ["a", "b", "c", "d", "e"];
    let greetings = within("the batch", hello_batch(addr, &names)).await;
    let greetings = greetings.expect("a batch of five calls, answered in reverse order");
    assert_eq!(
        greetings,
        [
            "a hello world",
            "b hello world",
            "c hello world",
            "d hello world",
            "e hello world"
        ]
    );
}

#[tokio::test]
async fn one_failed_call_fails_the_batch() {
    let addr = start_reversing_server().await;
    let result = within("the batch", hello_batch(addr, &["good", "bad"])).await;
    let error = result.expect_err("the call for \"bad\" failed, so the batch must fail");
    assert!(
        format!("{error:#}").contains("no such name"),
        "the server's message belongs in the error: {error:#}"
    );
}

#[tokio::test]
async fn no_names_no_call() {
    // Nothing listens here once the listener is dropped: calling anyone would fail.
    let addr = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let greetings = within("an empty batch", hello_batch(addr, &[])).await;
    assert_eq!(
        greetings.expect("no names: nothing to ask, nothing to fail"),
        Vec::<String>::new()
    );
}
