//! Checks `rpc.typed`: `cargo test -p l02-rpc --test typed`.

mod support;

use l02_rpc::client::{Client, RpcError};
use l02_rpc::exercises::typed::{
    Args, ArithClient, ArithService, Quotient, register_arith_service, typed_method,
};
use l02_rpc::registry::Registry;
use serde_json::json;
use testkit::within;

/// The test's own implementation of the contract, to register with your adapter.
struct Calculator;

impl ArithService for Calculator {
    async fn multiply(&self, Args { a, b }: Args) -> Result<i64, RpcError> {
        a.checked_mul(b)
            .ok_or_else(|| RpcError::Service("overflow".into()))
    }
    async fn divide(&self, Args { a, b }: Args) -> Result<Quotient, RpcError> {
        if b == 0 {
            return Err(RpcError::Service("divide by zero".into()));
        }
        Ok(Quotient {
            quo: a / b,
            rem: a % b,
        })
    }
}

#[tokio::test]
async fn typed_method_serves_a_method_of_any_types() {
    // The test's own method, of types `Arith` does not have: a name in, its length out.
    let length = |params| {
        typed_method(params, |name: String| async move {
            Ok::<usize, RpcError>(name.chars().count())
        })
    };
    let outcome = within("typed_method", length(json!("Ferris"))).await;
    assert_eq!(outcome, Ok(json!(6)), "the length of \"Ferris\", as JSON");
    let outcome = within("typed_method", length(json!(42))).await;
    assert!(
        matches!(&outcome, Err(message) if message.contains("invalid params")),
        "params that are not a String should be decode_params' error, got {outcome:?}"
    );

    let refusing = typed_method(json!(["a", "b"]), |_: Vec<String>| async move {
        Err::<(), _>(RpcError::Service("no, thanks".into()))
    });
    let outcome = within("typed_method", refusing).await;
    assert_eq!(
        outcome,
        Err("no, thanks".to_string()),
        "a method's Err should be the outcome's error message"
    );
}

#[tokio::test]
async fn your_adapter_serves_the_wire_protocol() {
    let mut registry = Registry::new();
    register_arith_service(&mut registry, Calculator);
    let server = support::start(registry).await;
    let client = Client::connect(server.addr).await.expect("connect");

    let product = within(
        "Arith.Multiply",
        client.call("Arith.Multiply", json!({"a": 6, "b": 7})),
    )
    .await;
    assert_eq!(product.expect("Arith.Multiply"), json!(42));
    let quotient = within(
        "Arith.Divide",
        client.call("Arith.Divide", json!({"a": 7, "b": 2})),
    )
    .await;
    assert_eq!(quotient.expect("Arith.Divide"), json!({"quo": 3, "rem": 1}));
    let error = within(
        "Arith.Divide by 0",
        client.call("Arith.Divide", json!({"a": 7, "b": 0})),
    )
    .await;
    assert!(
        matches!(&error, Err(RpcError::Service(message)) if message == "divide by zero"),
        "the service's error should reach the caller as its message, got {error:?}"
    );
    let error = within(
        "Arith.Multiply with bad params",
        client.call("Arith.Multiply", json!("six")),
    )
    .await;
    assert!(
        matches!(error, Err(RpcError::Service(_))),
        "bad params should be an error reply, got {error:?}"
    );
}

#[tokio::test]
async fn the_typed_client_and_your_adapter_together() {
    let mut registry = Registry::new();
    register_arith_service(&mut registry, Calculator);
    let server = support::start(registry).await;
    let arith = ArithClient::new(Client::connect(server.addr).await.expect("connect"));
    let outcome = within(
        "multiply overflow",
        arith.multiply(Args { a: i64::MAX, b: 2 }),
    )
    .await;
    assert!(
        matches!(&outcome, Err(RpcError::Service(m)) if m == "overflow"),
        "got {outcome:?}"
    );
    let quotient = within("divide", arith.divide(Args { a: -9, b: 4 })).await;
    assert_eq!(quotient.expect("divide"), Quotient { quo: -2, rem: -1 });
}
