//! The two messages on the wire: a request and its reply.
//!
//! ```text
//! request  {"id":1,"method":"hello.HelloWorld","params":"gopher"}
//! reply    {"id":1,"result":"gopher hello world"}
//!      or  {"id":1,"error":"rpc: can't find method hello.Nope"}
//! ```
//!
//! The `id` is chosen by the client and copied into the reply. That is what lets a client
//! send many requests without waiting (pipelining) and still tell the replies apart when
//! the server answers them in a different order.

use serde::{Deserialize, Serialize};
use serde_json::Value;

// ANCHOR: messages
/// A call: run `method` ("Service.Method") with `params`, and answer with this `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub id: u64,
    pub method: String,
    #[serde(default)]
    pub params: Value,
}

/// The answer to the request with the same `id`: a `result` or an `error`, never both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
// ANCHOR_END: messages

impl Reply {
    /// A successful reply.
    pub fn ok(id: u64, result: Value) -> Reply {
        Reply {
            id,
            result: Some(result),
            error: None,
        }
    }

    /// A failed reply: an error message and no result.
    pub fn error(id: u64, message: impl Into<String>) -> Reply {
        Reply {
            id,
            result: None,
            error: Some(message.into()),
        }
    }

    /// The reply for what a method returned.
    pub fn from_outcome(id: u64, outcome: Result<Value, String>) -> Reply {
        match outcome {
            Ok(result) => Reply::ok(id, result),
            Err(message) => Reply::error(id, message),
        }
    }

    /// The other way round: what the caller gets. A reply with neither field means `null`.
    pub fn into_outcome(self) -> Result<Value, String> {
        match self.error {
            Some(message) => Err(message),
            None => Ok(self.result.unwrap_or(Value::Null)),
        }
    }
}
