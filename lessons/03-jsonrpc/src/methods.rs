//! The methods this lesson's server offers, registered on a jsonrpc-core `IoHandler`.
//!
//! An `IoHandler` is a table from method names to functions of JSON params. It knows nothing
//! about sockets: the TCP loop (`tcp.rs`) and the HTTP route (`http.rs`) both hand it the same
//! requests, so every transport offers the same methods. Names follow the Go course's
//! `Service.Method` convention, which is what Go's `net/rpc` asks for on the wire.

use jsonrpc_core::{Error, IoHandler, Params, Value};
use serde::Deserialize;

/// Every method of the worked example, ready to serve.
pub fn handler() -> IoHandler {
    let mut io = IoHandler::new();
    add_hello(&mut io);
    add_arith(&mut io);
    io
}

// ANCHOR: hello
/// `hello.HelloWorld` accepts its one argument by position, `["bob"]` (which is how Go's
/// `client.Call("hello.HelloWorld", "bob", &reply)` sends it), or by name, `{"name": "bob"}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum HelloParams {
    ByPosition((String,)),
    ByName { name: String },
}

/// Registers `hello.HelloWorld`: `"bob"` → `"bob hello world"`, the seed course's greeting.
pub fn add_hello(io: &mut IoHandler) {
    io.add_sync_method("hello.HelloWorld", |params: Params| {
        let name = match params.parse() {
            Ok(HelloParams::ByPosition((name,))) | Ok(HelloParams::ByName { name }) => name,
            Err(_) => {
                return Err(Error::invalid_params(
                    r#"expected ["name"] or {"name": "..."}"#,
                ));
            }
        };
        Ok(Value::String(name + " hello world"))
    });
}
// ANCHOR_END: hello

// ANCHOR: arith
/// The arguments of `arith.Add`. serde checks the shape: a missing `b` or a string where a
/// number belongs becomes "Invalid params" (-32602) before our code runs.
#[derive(Deserialize)]
struct AddArgs {
    a: i64,
    b: i64,
}

/// Registers `arith.Add`: `{"a": 2, "b": 3}` → `5`.
pub fn add_arith(io: &mut IoHandler) {
    io.add_sync_method("arith.Add", |params: Params| {
        let AddArgs { a, b } = params.parse()?;
        // A bad request must never crash the server: overflow is the caller's error.
        let sum = a
            .checked_add(b)
            .ok_or_else(|| Error::invalid_params("a + b does not fit in 64 bits"))?;
        Ok(Value::from(sum))
    });
}
// ANCHOR_END: arith
