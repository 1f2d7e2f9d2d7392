//! `loadgen rpc` against tiny lesson-02 frame servers.

use crate::common::{assert_clean, errors_of, frame_server, short_run};
use loadgen::Protocol;
use serde_json::{Value, json};

/// What lesson 02's `hello.HelloWorld` answers.
fn hello(request: Value) -> Value {
    assert_eq!(request["method"], "hello.HelloWorld");
    let name = request["params"].as_str().expect("params is the name");
    json!({"id": request["id"], "result": format!("{name} hello world")})
}

#[tokio::test]
async fn a_right_server_gives_requests_and_no_errors() {
    let addr = frame_server(hello).await;
    assert_clean(&short_run(Protocol::Rpc, addr, 4, 1).await);
}

#[tokio::test]
async fn pipelined_replies_out_of_order_are_matched_by_id() {
    // The frame server answers each batch of requests in reverse order.
    let addr = frame_server(hello).await;
    assert_clean(&short_run(Protocol::Rpc, addr, 2, 8).await);
}

#[tokio::test]
async fn a_wrong_result_is_an_error() {
    let addr = frame_server(|request| json!({"id": request["id"], "result": "hello"})).await;
    let report = short_run(Protocol::Rpc, addr, 2, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "wrong reply") > 0, "{report}");
}

#[tokio::test]
async fn an_error_reply_is_an_error() {
    let addr =
        frame_server(|request| json!({"id": request["id"], "error": "no such method"})).await;
    let report = short_run(Protocol::Rpc, addr, 1, 1).await;
    assert_eq!(report.requests(), 0);
    assert!(errors_of(&report, "error reply") > 0, "{report}");
    assert!(report.to_string().contains("no such method"), "{report}");
}

#[tokio::test]
async fn a_reply_with_the_wrong_id_is_an_error_and_its_request_is_lost() {
    let addr = frame_server(|request| {
        let mut reply = hello(request);
        reply["id"] = json!(reply["id"].as_u64().unwrap() + 1000);
        reply
    })
    .await;
    let report = short_run(Protocol::Rpc, addr, 2, 1).await;
    assert_eq!(report.requests(), 0);
    assert_eq!(errors_of(&report, "unknown id"), 2, "{report}");
    assert_eq!(errors_of(&report, "no reply"), 2, "{report}");
}
