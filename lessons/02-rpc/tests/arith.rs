//! Checks `rpc.arith`: `cargo test -p l02-rpc --test arith`.

mod support;

use l02_rpc::client::{Client, RpcError};
use l02_rpc::exercises::arith::{Arith, Quotient};
use l02_rpc::registry::Registry;
use serde_json::{Value, json};
use support::{connect, round_trip, start};
use testkit::within;

async fn arith_server() -> support::TestServer {
    let mut registry = Registry::new();
    registry.register("Arith", Arith);
    start(registry).await
}

async fn call(client: &Client, method: &str, params: Value) -> Result<Value, RpcError> {
    within(
        &format!("the reply to {method}({params})"),
        client.call(method, params),
    )
    .await
}

#[tokio::test]
async fn multiply_and_divide() {
    let server = arith_server().await;
    let client = Client::connect(server.addr).await.expect("connect");
    let product = call(&client, "Arith.Multiply", json!({"a": 7, "b": 8}))
        .await
        .expect("Arith.Multiply");
    assert_eq!(product, json!(56), "Arith.Multiply {{a: 7, b: 8}}");
    let quotient = call(&client, "Arith.Divide", json!({"a": 17, "b": 5}))
        .await
        .expect("Arith.Divide");
    let quotient: Quotient = serde_json::from_value(quotient).expect("a Quotient");
    assert_eq!(
        quotient,
        Quotient { quo: 3, rem: 2 },
        "Arith.Divide {{a: 17, b: 5}}"
    );
}

#[tokio::test]
async fn dividing_by_zero_is_an_error_reply_with_no_result() {
    let server = arith_server().await;
    let mut stream = connect(server.addr).await;
    let reply = round_trip(
        &mut stream,
        r#"{"id":9,"method":"Arith.Divide","params":{"a":1,"b":0}}"#,
    )
    .await;
    assert_eq!(
        reply,
        json!({"id": 9, "error": "divide by zero"}),
        "the whole reply, as it is on the wire"
    );

    // The connection carries on after the error.
    let reply = round_trip(
        &mut stream,
        r#"{"id":10,"method":"Arith.Divide","params":{"a":9,"b":3}}"#,
    )
    .await;
    assert_eq!(reply, json!({"id": 10, "result": {"quo": 3, "rem": 0}}));
}

#[tokio::test]
async fn overflow_is_an_error_not_a_panic() {
    let server = arith_server().await;
    let client = Client::connect(server.addr).await.expect("connect");
    for (method, a, b) in [
        ("Arith.Multiply", i64::MAX, 2),
        ("Arith.Divide", i64::MIN, -1),
    ] {
        let outcome = call(&client, method, json!({"a": a, "b": b})).await;
        match outcome {
            Err(RpcError::Service(message)) => {
                assert_eq!(message, "overflow", "{method}({a}, {b})")
            }
            other => panic!("{method}({a}, {b}) should fail with \"overflow\", got {other:?}"),
        }
    }
}

#[tokio::test]
async fn bad_params_and_unknown_methods_are_error_replies() {
    let server = arith_server().await;
    let client = Client::connect(server.addr).await.expect("connect");
    for (method, params) in [
        ("Arith.Multiply", json!({"a": "seven", "b": 8})),
        ("Arith.Divide", json!("17 / 5")),
        ("Arith.Add", json!({"a": 1, "b": 2})),
    ] {
        let outcome = call(&client, method, params.clone()).await;
        assert!(
            matches!(outcome, Err(RpcError::Service(_))),
            "{method}({params}) should be an error reply, got {outcome:?}"
        );
    }
    let product = call(&client, "Arith.Multiply", json!({"a": -3, "b": 4}))
        .await
        .expect("still serving");
    assert_eq!(product, json!(-12));
}
