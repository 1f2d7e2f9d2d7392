//! JSON-RPC 1.0, the dialect of Go's `net/rpc/jsonrpc`, translated to and from 2.0.
//!
//! Go's client writes `{"method":"hello.HelloWorld","params":["x"],"id":0}`: no `"jsonrpc"`
//! member, because it speaks JSON-RPC 1.0. It reads back exactly three members,
//! `{"id":0,"result":"x hello world","error":null}`, and it insists that `error` is a string
//! or null: the 2.0 error object `{"code":-32601,"message":"..."}` makes it give up on the
//! whole connection.
//!
//! jsonrpc-core speaks 2.0 only, so this adapter sits between the wire and the handler:
//! [`upgrade`] turns a 1.0 call into the 2.0 call that means the same, and [`downgrade`] turns
//! the 2.0 answer into the reply Go reads. The methods never know which dialect called them.

// ANCHOR: adapter
use jsonrpc_core::{Call, Id, MethodCall, Notification, Output, Value, Version};
use serde::{Deserialize, Serialize};

/// A call as Go's `net/rpc/jsonrpc` client sends it. Go always wraps its one argument in
/// an array: `client.Call("hello.HelloWorld", "x", &reply)` sends `"params":["x"]`.
#[derive(Debug, Serialize)]
pub struct Request<'a> {
    pub method: &'a str,
    pub params: [&'a Value; 1],
    pub id: u64,
}

/// A reply in the shape Go's `net/rpc/jsonrpc` client decodes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub id: Id,
    /// The value, or null when the call failed.
    pub result: Value,
    /// Null when the call succeeded, else a message: 1.0 has no error codes.
    pub error: Option<String>,
}

/// Is this call 1.0? A 2.0 call always carries `"jsonrpc": "2.0"`; a 1.0 call never does.
pub fn is_v1(call: &MethodCall) -> bool {
    call.jsonrpc.is_none()
}

/// The 2.0 call that means what the 1.0 call `call` means. In 1.0 a notification is a call
/// whose id is null; 2.0 leaves the id out instead.
pub fn upgrade(call: MethodCall) -> Call {
    let MethodCall {
        method, params, id, ..
    } = call;
    let jsonrpc = Some(Version::V2);
    match id {
        Id::Null => Call::Notification(Notification {
            jsonrpc,
            method,
            params,
        }),
        id => Call::MethodCall(MethodCall {
            jsonrpc,
            method,
            params,
            id,
        }),
    }
}

/// The 1.0 reply that says what the 2.0 `output` says. The error code is dropped; its
/// message stays.
pub fn downgrade(output: Output) -> Reply {
    match output {
        Output::Success(ok) => Reply {
            id: ok.id,
            result: ok.result,
            error: None,
        },
        Output::Failure(failed) => Reply {
            id: failed.id,
            result: Value::Null,
            error: Some(failed.error.message),
        },
    }
}
// ANCHOR_END: adapter
