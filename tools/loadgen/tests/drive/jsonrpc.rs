//! `loadgen jsonrpc` and `loadgen jsonrpc1` against tiny line servers.

use crate::common::{assert_clean, errors_of, line_server, short_run};
use loadgen::Protocol;
use serde_json::{Value, json};

/// A JSON-RPC 2.0 `hello.HelloWorld`.
fn hello_v2(line: &str) -> Option<String> {
    let request: Value = serde_json::from_str(line).unwrap();
    assert_eq!(request["jsonrpc"], "2.0");
    let name = request["params"][0].as_str().unwrap();
    let reply =
        json!({"jsonrpc": "2.0", "result": format!("{name} hello world"), "id": request["id"]});
    Some(reply.to_string())
}

/// A JSON-RPC 1.0 `hello.HelloWorld` that, like Go's `jsonrpc.ServeConn`, accepts only
/// the three fields Go's client sends, and answers as Go does.
fn hello_v1_like_go(line: &str) -> Option<String> {
    let request: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
    let mut keys: Vec<_> = request.keys().map(String::as_str).collect();
    keys.sort_unstable();
    if keys != ["id", "method", "params"] {
        return Some(
            json!({"id": request["id"], "result": null, "error": "unexpected fields"}).to_string(),
        );
    }
    let name = request["params"][0].as_str().unwrap();
    let reply =
        json!({"id": request["id"], "result": format!("{name} hello world"), "error": null});
    Some(reply.to_string())
}

#[tokio::test]
async fn a_right_v2_server_gives_requests_and_no_errors() {
    let addr = line_server(hello_v2).await;
    assert_clean(&short_run(Protocol::JsonRpc, addr, 4, 1).await);
    assert_clean(&short_run(Protocol::JsonRpc, addr, 2, 8).await);
}

#[tokio::test]
async fn a_go_style_v1_server_gives_requests_and_no_errors() {
    let addr = line_server(hello_v1_like_go).await;
    assert_clean(&short_run(Protocol::JsonRpc1, addr, 4, 1).await);
}

#[tokio::test]
async fn a_v1_reply_to_a_v2_request_is_an_error() {
    let addr = line_server(hello_v1_like_go).await;
    let report = short_run(Protocol::JsonRpc, addr, 1, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "malformed reply") > 0, "{report}");
}

#[tokio::test]
async fn a_v2_error_object_is_an_error() {
    let addr = line_server(|line| {
        let request: Value = serde_json::from_str(line).unwrap();
        let error = json!({"code": -32601, "message": "Method not found"});
        Some(json!({"jsonrpc": "2.0", "error": error, "id": request["id"]}).to_string())
    })
    .await;
    let report = short_run(Protocol::JsonRpc, addr, 1, 1).await;
    assert!(errors_of(&report, "error reply") > 0, "{report}");
    assert!(report.to_string().contains("Method not found"), "{report}");
}

#[tokio::test]
async fn a_line_that_is_not_json_is_an_error() {
    let addr = line_server(|_| Some("hello world".into())).await;
    let report = short_run(Protocol::JsonRpc1, addr, 1, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(report.errors() > 0, "{report}");
}
