//! Checks `rpc.dispatch`: `cargo test -p l02-rpc --test dispatch`.

mod support;

use l02_rpc::exercises::dispatch::dispatch;
use l02_rpc::message::{Reply, Request};
use l02_rpc::registry::{MethodFuture, Registry, Service};
use serde_json::{Value, json};
use testkit::within;

/// A service whose one method always fails.
struct Failing;

impl Service for Failing {
    fn call(&self, method: &str, _params: Value) -> Option<MethodFuture> {
        match method {
            "Always" => Some(Box::pin(async {
                Err("it failed, as it always does".to_string())
            })),
            _ => None,
        }
    }
}

fn registry() -> Registry {
    let mut registry = support::hello_registry();
    registry.register("failing", Failing);
    registry
}

async fn run(id: u64, method: &str, params: Value) -> Reply {
    let request = Request {
        id,
        method: method.to_string(),
        params,
    };
    within(
        &format!("dispatch of {method}"),
        dispatch(&registry(), request),
    )
    .await
}

/// Checks that `reply` is an error reply for request `id` whose message mentions `expected`.
fn assert_error(reply: &Reply, id: u64, expected: &str) {
    assert_eq!(
        reply.id, id,
        "the reply must carry the request's id; got {reply:?}"
    );
    assert!(
        reply.result.is_none(),
        "an error reply has no result; got {reply:?}"
    );
    let message = reply
        .error
        .as_deref()
        .unwrap_or_else(|| panic!("expected an error reply, got {reply:?}"));
    assert!(
        message.contains(expected),
        "the error {message:?} should mention {expected:?}"
    );
}

#[tokio::test]
async fn a_known_method_runs_and_its_result_is_the_reply() {
    let reply = run(7, "hello.HelloWorld", json!("gopher")).await;
    assert_eq!(
        reply,
        Reply::ok(7, json!("gopher hello world")),
        "hello.HelloWorld(\"gopher\")"
    );
}

#[tokio::test]
async fn an_unknown_service_is_an_error_reply() {
    assert_error(
        &run(1, "nosuch.HelloWorld", json!("x")).await,
        1,
        "nosuch.HelloWorld",
    );
}

#[tokio::test]
async fn an_unknown_method_is_an_error_reply() {
    assert_error(&run(2, "hello.Nope", json!("x")).await, 2, "hello.Nope");
}

#[tokio::test]
async fn a_name_without_a_dot_is_an_error_reply() {
    assert_error(&run(3, "HelloWorld", json!("x")).await, 3, "HelloWorld");
}

#[tokio::test]
async fn a_method_that_fails_gives_its_error_and_no_result() {
    assert_error(
        &run(4, "failing.Always", Value::Null).await,
        4,
        "it failed, as it always does",
    );
    // Wrong params are the method's business: hello.HelloWorld wants a string.
    assert_error(
        &run(5, "hello.HelloWorld", json!(42)).await,
        5,
        "invalid params",
    );
}
