//! The worked example over HTTP POST: the same methods, the same replies.

use crate::support;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use jsonrpc_core::IoHandler;
use l03_jsonrpc::client::http_post;
use l03_jsonrpc::{http, methods, tcp};
use serde_json::{Value, json};
use testkit::within;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

async fn start_http() -> SocketAddr {
    start_http_with(methods::handler()).await
}

async fn start_http_with(io: IoHandler) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(http::serve(listener, Arc::new(io), std::future::pending()));
    addr
}

async fn post(addr: SocketAddr, body: impl Into<String>) -> (StatusCode, String) {
    within("an HTTP response", http_post(addr, body.into()))
        .await
        .unwrap()
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| panic!("a body that is not JSON: {body:?}"))
}

#[tokio::test]
async fn post_a_call_get_its_reply() {
    let addr = start_http().await;
    let (status, body) = post(
        addr,
        r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["bob"],"id":1}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json_of(&body),
        json!({"jsonrpc": "2.0", "result": "bob hello world", "id": 1})
    );
}

#[tokio::test]
async fn errors_travel_as_json_rpc_errors() {
    let addr = start_http().await;
    for (body, code) in [
        (r#"{"jsonrpc":"2.0","method":"#, -32700),
        ("42", -32600),
        (r#"{"jsonrpc":"2.0","method":"hello.Nope","id":1}"#, -32601),
        (
            r#"{"jsonrpc":"2.0","method":"arith.Add","params":{"a":1},"id":1}"#,
            -32602,
        ),
    ] {
        let (status, reply) = post(addr, body).await;
        assert_eq!(status, StatusCode::OK, "{body} → {status}");
        assert_eq!(json_of(&reply)["error"]["code"], code, "{body} → {reply}");
    }
}

#[tokio::test]
async fn notification_is_no_content_and_batch_is_an_array() {
    let addr = start_http().await;
    let (status, body) = post(
        addr,
        r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["shh"]}"#,
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::NO_CONTENT, ""));

    let batch = r#"[{"jsonrpc":"2.0","method":"arith.Add","params":{"a":1,"b":1},"id":1},
                    {"jsonrpc":"2.0","method":"hello.HelloWorld","params":{"name":"x"},"id":2}]"#;
    let (status, body) = post(addr, batch).await;
    assert_eq!(status, StatusCode::OK);
    let replies = json_of(&body);
    assert_eq!(replies.as_array().map(Vec::len), Some(2), "{replies}");
}

#[tokio::test]
async fn go_dialect_over_http() {
    let addr = start_http().await;
    let (status, body) = post(
        addr,
        r#"{"method":"hello.HelloWorld","params":["x"],"id":0}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, r#"{"id":0,"result":"x hello world","error":null}"#);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let addr = start_http().await;
    let huge = format!(
        r#"{{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["{}"],"id":1}}"#,
        "x".repeat(tcp::MAX_LINE)
    );
    let (status, _) = post(addr, huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = post(
        addr,
        r#"{"jsonrpc":"2.0","method":"arith.Add","params":{"a":1,"b":1},"id":1}"#,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the server still serves after refusing a huge body"
    );
}

#[tokio::test]
async fn shutdown_stops_the_http_server() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(http::serve(listener, Arc::new(methods::handler()), async {
        let _ = stopped.await;
    }));
    let (status, _) = post(
        addr,
        r#"{"jsonrpc":"2.0","method":"arith.Add","params":{"a":1,"b":1},"id":1}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    stop.send(()).unwrap();
    within("the HTTP server to shut down", server)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn a_method_that_panics_is_an_internal_error() {
    let addr = start_http_with(support::methods_with_bugs()).await;
    for method in ["bug.Now", "bug.Later"] {
        let call = json!({"jsonrpc": "2.0", "method": method, "id": 7}).to_string();
        let (status, body) = post(addr, call).await;
        assert_eq!(status, StatusCode::OK, "{method}: {body}");
        assert_eq!(json_of(&body)["error"]["code"], -32603, "{method}: {body}");
    }
    let (_, body) = post(
        addr,
        r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["x"],"id":8}"#,
    )
    .await;
    assert_eq!(json_of(&body)["result"], "x hello world");
}
