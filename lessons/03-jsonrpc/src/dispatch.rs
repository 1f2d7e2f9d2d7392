//! One request in, at most one reply out: the part that TCP and HTTP share.
//!
//! A transport hands [`respond`] the bytes of one request (a line, or an HTTP body) and gets
//! back the reply to send, or nothing when the request was a notification. Everything about
//! JSON-RPC itself lives here and in jsonrpc-core: reading the request, telling a 1.0 call from
//! a 2.0 one, and answering bad input with the error the specification names.

use std::future::{Future, ready};
use std::panic::{self, AssertUnwindSafe};

use futures::FutureExt;
use futures::future::Either;
use jsonrpc_core::{
    Call, Error, ErrorCode, Failure, Id, IoHandler, Output, Request, Response, Value, Version,
};
use serde::Serialize;
use serde::de::IgnoredAny;

use crate::v1;

/// What goes back to the client: a JSON-RPC 2.0 response (one, or an array for a batch), or
/// a reply shaped for Go's 1.0 client.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Reply {
    V2(Response),
    V1(v1::Reply),
}

impl Reply {
    /// A 2.0 error reply that belongs to no request (its id is null): what a client gets when
    /// the server could not even read which request it sent.
    pub fn error(error: Error) -> Reply {
        Reply::V2(Response::from(error, Some(Version::V2)))
    }
}

// ANCHOR: respond
/// Starts answering one request. The future is `'static` (it owns all it needs, so it can be
/// moved to a task of its own) and `Unpin` (it can be polled in place: see `tcp.rs`).
pub fn respond(
    io: &IoHandler,
    request: &[u8],
) -> impl Future<Output = Option<Reply>> + Send + Unpin + 'static {
    let request = match serde_json::from_slice::<Request>(request) {
        Ok(request) => request,
        Err(_) => match batch_of_anything(request) {
            Some(batch) => batch,
            None => return Either::Left(ready(Some(Reply::error(rejection(request))))),
        },
    };
    // A method that panics is a bug in the method, not in the request: its caller gets an
    // "Internal error" reply and keeps its connection. A method can panic while it is called
    // (a synchronous method runs at once) or while its answer is awaited, so both are caught.
    let if_it_panics = panic_reply(&request);
    match panic::catch_unwind(AssertUnwindSafe(|| call(io, request))) {
        Ok(answer) => Either::Right(
            AssertUnwindSafe(answer)
                .catch_unwind()
                .map(|answered| answered.unwrap_or(if_it_panics)),
        ),
        Err(_) => Either::Left(ready(if_it_panics)),
    }
}

/// Calls the method(s) of a request that is valid JSON-RPC.
fn call(
    io: &IoHandler,
    request: Request,
) -> impl Future<Output = Option<Reply>> + Send + Unpin + 'static {
    match request {
        // The specification answers an empty batch `[]` with one "Invalid Request".
        Request::Batch(calls) if calls.is_empty() => {
            Either::Left(ready(Some(Reply::error(Error::invalid_request()))))
        }
        // No "jsonrpc" member: Go's 1.0 client. Ask the same question in 2.0, answer in 1.0.
        Request::Single(Call::MethodCall(call)) if v1::is_v1(&call) => Either::Right(Either::Left(
            io.handle_call(v1::upgrade(call))
                .map(|output| output.map(|output| Reply::V1(v1::downgrade(output)))),
        )),
        request => Either::Right(Either::Right(
            io.handle_rpc_request(request)
                .map(|response| response.map(Reply::V2)),
        )),
    }
}
/// A batch with members that are not calls, such as `[1, 2, 3]`: jsonrpc-core refuses the
/// whole array, but the specification answers each member on its own, so every member that
/// is not a call gets its own "Invalid Request" (-32600, id null) and the calls beside it
/// still run. `None` when the bytes are not a JSON array at all.
fn batch_of_anything(request: &[u8]) -> Option<Request> {
    let members: Vec<Value> = serde_json::from_slice(request).ok()?;
    let calls = members
        .into_iter()
        .map(|member| serde_json::from_value(member).unwrap_or(Call::Invalid { id: Id::Null }))
        .collect();
    Some(Request::Batch(calls))
}

/// Why bytes that are not a request are refused. Not JSON at all is a parse error (-32700);
/// JSON that is not a request, such as `42` or `"hi"`, is an invalid request (-32600).
fn rejection(request: &[u8]) -> Error {
    if serde_json::from_slice::<IgnoredAny>(request).is_ok() {
        Error::invalid_request()
    } else {
        Error::parse_error()
    }
}
// ANCHOR_END: respond

// ANCHOR: panic_reply
/// The reply for a request whose method panicked: an internal error (-32603) with the
/// call's id, in the call's dialect. A notification still gets nothing; for a batch, which
/// call failed is unknown, so the error carries a null id.
fn panic_reply(request: &Request) -> Option<Reply> {
    let error = Error {
        code: ErrorCode::InternalError,
        message: "the method failed unexpectedly (it panicked); the server is still serving"
            .to_string(),
        data: None,
    };
    match request {
        Request::Single(Call::MethodCall(call)) if v1::is_v1(call) => {
            if call.id == Id::Null {
                return None; // A 1.0 notification.
            }
            Some(Reply::V1(v1::Reply {
                id: call.id.clone(),
                result: Value::Null,
                error: Some(error.message),
            }))
        }
        Request::Single(Call::MethodCall(call)) => {
            Some(Reply::V2(Response::Single(Output::Failure(Failure {
                jsonrpc: Some(Version::V2),
                error,
                id: call.id.clone(),
            }))))
        }
        Request::Single(Call::Notification(_)) => None,
        _ => Some(Reply::error(error)),
    }
}
// ANCHOR_END: panic_reply
