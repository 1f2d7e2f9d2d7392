//! Exercise `jsonrpc.divide`: typed params and an error code of its own.

mod support;

use jsonrpc_core::IoHandler;
use l03_jsonrpc::exercises::divide::{DIVIDE_BY_ZERO, add_divide};
use serde_json::{Value, json};
use support::{Conn, error_code, start_tcp};

async fn connect() -> Conn {
    let mut io = IoHandler::new();
    add_divide(&mut io);
    Conn::connect(start_tcp(io).await).await
}

fn divide(params: Value) -> String {
    json!({"jsonrpc": "2.0", "method": "arith.Divide", "params": params, "id": 1}).to_string()
}

#[tokio::test]
async fn divides_with_quotient_and_remainder() {
    let mut conn = connect().await;
    for (a, b, quo, rem) in [
        (7, 2, 3, 1),
        (-7, 2, -3, -1),
        (6, 3, 2, 0),
        (i64::MIN, 1, i64::MIN, 0),
    ] {
        let reply = conn.call(&divide(json!({"a": a, "b": b}))).await;
        assert_eq!(
            reply["result"],
            json!({"quo": quo, "rem": rem}),
            "arith.Divide {a} / {b} → {reply}"
        );
    }
}

#[tokio::test]
async fn bad_params_are_invalid_params() {
    let mut conn = connect().await;
    for bad in [
        json!({"a": 7}),
        json!({"a": "seven", "b": 2}),
        json!({"a": 7.5, "b": 2}),
        json!(["7", "2"]),
    ] {
        let reply = conn.call(&divide(bad.clone())).await;
        assert_eq!(
            error_code(&reply),
            -32602,
            "arith.Divide {bad} should be invalid params, got {reply}"
        );
    }
}

#[tokio::test]
async fn divide_by_zero_has_its_own_code() {
    let mut conn = connect().await;
    let reply = conn.call(&divide(json!({"a": 1, "b": 0}))).await;
    assert_eq!(error_code(&reply), DIVIDE_BY_ZERO, "{reply}");
    assert_eq!(reply["error"]["message"], "divide by zero", "{reply}");
}

#[tokio::test]
async fn overflow_is_an_error_not_a_panic() {
    let mut conn = connect().await;
    let reply = conn.call(&divide(json!({"a": i64::MIN, "b": -1}))).await;
    assert_eq!(
        error_code(&reply),
        -32602,
        "i64::MIN / -1 does not fit in an i64: {reply}"
    );
    // The connection is still open for the next call.
    let reply = conn.call(&divide(json!({"a": 9, "b": 3}))).await;
    assert_eq!(reply["result"], json!({"quo": 3, "rem": 0}), "{reply}");
}
