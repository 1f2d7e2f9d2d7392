//! Checks `rpc.typed`: `cargo test -p l02-rpc --test typed`.

mod support;

use l02_rpc::client::{Client, RpcError};
use l02_rpc::exercises::typed::{
    Args, ArithClient, ArithService, Quotient, register_arith_service,
};
use l02_rpc::registry::{MethodFuture, Registry, Service, decode_params, encode_result};
use serde_json::{Value, json};
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

/// A known-good untyped `Arith`, to test your client on its own.
struct KnownGoodArith;

impl Service for KnownGoodArith {
    fn call(&self, method: &str, params: Value) -> Option<MethodFuture> {
        match method {
            "Multiply" => Some(Box::pin(async move {
                let Args { a, b } = decode_params(params)?;
                encode_result(a * b)
            })),
            "Divide" => Some(Box::pin(async move {
                let Args { a, b } = decode_params(params)?;
                if b == 0 {
                    return Err("divide by zero".to_string());
                }
                encode_result(Quotient {
                    quo: a / b,
                    rem: a % b,
                })
            })),
            _ => None,
        }
    }
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
async fn your_client_calls_a_known_good_server() {
    let mut registry = Registry::new();
    registry.register("Arith", KnownGoodArith);
    let server = support::start(registry).await;
    let arith = ArithClient::new(Client::connect(server.addr).await.expect("connect"));

    let product = within("multiply", arith.multiply(Args { a: 6, b: 7 })).await;
    assert_eq!(product.expect("multiply"), 42);
    let quotient = within("divide", arith.divide(Args { a: 17, b: 5 })).await;
    assert_eq!(quotient.expect("divide"), Quotient { quo: 3, rem: 2 });
    let error = within("divide by zero", arith.divide(Args { a: 1, b: 0 })).await;
    assert!(
        matches!(&error, Err(RpcError::Service(message)) if message == "divide by zero"),
        "expected Err(Service(\"divide by zero\")), got {error:?}"
    );
}

#[tokio::test]
async fn your_client_and_your_adapter_together() {
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
