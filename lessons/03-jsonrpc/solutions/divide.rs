//! Exercise `jsonrpc.divide`: a method with typed params and an error code of its own.
//!
//! Go's `net/rpc` documentation has an `Arith` service whose `Divide` takes `Args{A, B}` and
//! returns `Quotient{Quo, Rem}`, or the error "divide by zero". Here it is in JSON-RPC, where an
//! error carries a number that a program can act on, not just a message.

use jsonrpc_core::{Error, ErrorCode, IoHandler, Params, Value};
use serde::{Deserialize, Serialize};

/// The error code of "divide by zero". JSON-RPC reserves -32768 to -32000 for itself; an
/// application picks its codes outside that range.
pub const DIVIDE_BY_ZERO: i64 = 1;

/// The params of `arith.Divide`: `{"a": 7, "b": 2}`.
#[derive(Debug, Deserialize)]
pub struct Args {
    pub a: i64,
    pub b: i64,
}

/// The result of `arith.Divide`: `{"quo": 3, "rem": 1}`.
#[derive(Debug, Serialize)]
pub struct Quotient {
    pub quo: i64,
    pub rem: i64,
}

/// Registers `arith.Divide` on `io`, answered by [`divide`].
pub fn add_divide(io: &mut IoHandler) {
    io.add_sync_method("arith.Divide", divide);
}

/// `arith.Divide`:
/// - `{"a": 7, "b": 2}` → `{"quo": 3, "rem": 1}` (integer division, as Rust's `/` and `%`);
/// - params that are not two integers `a` and `b` → "Invalid params" (-32602);
/// - `b` = 0 → code [`DIVIDE_BY_ZERO`], message "divide by zero";
/// - a quotient that does not fit in an `i64` (`i64::MIN / -1`) → "Invalid params" (-32602).
///
/// No input may panic. The server would answer a panic with -32603 "Internal error", which
/// tells the caller nothing; "Invalid params" tells them what to fix.
pub fn divide(params: Params) -> Result<Value, Error> {
    let Args { a, b } = params.parse()?;
    if b == 0 {
        return Err(Error {
            code: ErrorCode::ServerError(DIVIDE_BY_ZERO),
            message: "divide by zero".into(),
            data: None,
        });
    }
    // `i64::MIN / -1` is one more than `i64::MAX`: plain `/` would panic.
    let (Some(quo), Some(rem)) = (a.checked_div(b), a.checked_rem(b)) else {
        return Err(Error::invalid_params(
            "the quotient does not fit in 64 bits",
        ));
    };
    serde_json::to_value(Quotient { quo, rem }).map_err(|_| Error::internal_error())
}
