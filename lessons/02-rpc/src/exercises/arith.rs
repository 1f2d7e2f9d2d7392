//! Exercise `rpc.arith`: a service of your own, whose errors are replies.
//!
//! Go's net/rpc documentation has a classic example service, `Arith`, with `Multiply` and
//! `Divide`. Dividing by zero is the caller's mistake, not the server's crash: the method
//! returns an error, the caller gets a reply with that `error` and no `result`, and the
//! connection carries on. The same holds for params that do not fit and for overflow —
//! which in Rust would otherwise panic in a debug build.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::registry::{MethodFuture, Service, decode_params, encode_result};

/// The params of both methods: `{"a": 17, "b": 5}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Args {
    pub a: i64,
    pub b: i64,
}

/// What `Divide` returns: `{"quo": 3, "rem": 2}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quotient {
    pub quo: i64,
    pub rem: i64,
}

/// The service, to be registered as `Arith`.
pub struct Arith;

impl Service for Arith {
    /// - `Multiply` with [`Args`] → `a * b`, or the error `"overflow"` if it does not fit;
    /// - `Divide` with [`Args`] → a [`Quotient`], or the error `"divide by zero"`
    ///   (and `"overflow"` for `i64::MIN / -1`);
    /// - params that are not [`Args`] → an error (`decode_params` words it for you);
    /// - any other method → `None`.
    fn call(&self, method: &str, params: Value) -> Option<MethodFuture> {
        // TODO: start the method as the doc comment says. No input may panic: every
        //       mistake of the caller's is an error in the reply, and the connection goes on.
        todo!("run Multiply and Divide, answering errors instead of panicking")
    }
}
