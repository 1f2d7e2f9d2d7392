//! JSON-RPC 1.0 exactly as Go's `net/rpc/jsonrpc` client speaks it, over TCP and HTTP.

use crate::support;

use l03_jsonrpc::client::{Client, Dialect};
use l03_jsonrpc::methods;
use serde_json::json;
use support::{Conn, hello, start_tcp};
use testkit::within;

#[tokio::test]
async fn go_request_gets_the_reply_go_reads() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    // The bytes `client.Call("hello.HelloWorld", "x", &reply)` puts on the wire.
    conn.send(r#"{"method":"hello.HelloWorld","params":["x"],"id":0}"#)
        .await;
    assert_eq!(
        conn.reply_line().await,
        r#"{"id":0,"result":"x hello world","error":null}"#
    );
}

#[tokio::test]
async fn go_errors_are_strings_and_the_connection_goes_on() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    conn.send(r#"{"method":"hello.NoSuchMethod","params":["x"],"id":1}"#)
        .await;
    assert_eq!(
        conn.reply_line().await,
        r#"{"id":1,"result":null,"error":"Method not found"}"#
    );

    conn.send(r#"{"method":"arith.Add","params":[{"a":1}],"id":2}"#)
        .await;
    let reply = conn.reply().await;
    assert_eq!(reply["result"], json!(null), "{reply}");
    assert!(
        reply["error"].is_string(),
        "Go can only read an error that is a string: {reply}"
    );

    conn.send(r#"{"method":"hello.HelloWorld","params":["y"],"id":3}"#)
        .await;
    assert_eq!(
        conn.reply_line().await,
        r#"{"id":3,"result":"y hello world","error":null}"#
    );
}

#[tokio::test]
async fn both_dialects_on_one_connection() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    conn.send(r#"{"method":"hello.HelloWorld","params":["one"],"id":1}"#)
        .await;
    assert_eq!(
        conn.reply().await,
        json!({"id": 1, "result": "one hello world", "error": null})
    );
    assert_eq!(
        conn.call(&hello("two", 2)).await,
        json!({"jsonrpc": "2.0", "result": "two hello world", "id": 2})
    );
}

#[tokio::test]
async fn a_v1_notification_gets_no_reply() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    // In 1.0 a notification is a call whose id is null.
    conn.send(r#"{"method":"hello.HelloWorld","params":["quiet"],"id":null}"#)
        .await;
    conn.send(r#"{"method":"hello.HelloWorld","params":["loud"],"id":7}"#)
        .await;
    assert_eq!(conn.reply().await["id"], 7);
}

#[tokio::test]
async fn the_rust_client_speaks_go_too() {
    let addr = start_tcp(methods::handler()).await;
    let mut client = within("connecting", Client::connect(addr, Dialect::GoV1))
        .await
        .unwrap();
    let result = within(
        "a 1.0 call",
        client.call("hello.HelloWorld", json!("gopher")),
    )
    .await;
    assert_eq!(result.unwrap(), "gopher hello world");
    let error = within("a failing 1.0 call", client.call("hello.Nope", json!("x"))).await;
    assert!(error.unwrap_err().to_string().contains("Method not found"));
}
