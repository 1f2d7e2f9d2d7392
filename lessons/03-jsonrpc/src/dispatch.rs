//! One request in, at most one reply out: the part that TCP and HTTP share.
//!
//! A transport hands [`respond`] the bytes of one request (a line, or an HTTP body) and gets
//! back the reply to send, or nothing when the request was a notification. Everything about
//! JSON-RPC itself lives here and in jsonrpc-core: reading the request, telling a 1.0 call from
//! a 2.0 one, and answering bad input with the error the specification names.

use std::future::{Future, ready};

use futures::FutureExt;
use futures::future::Either;
use jsonrpc_core::{Call, Error, IoHandler, Request, Response, Version};
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
    match serde_json::from_slice::<Request>(request) {
        Err(_) => Either::Left(ready(Some(Reply::error(rejection(request))))),
        // The specification answers an empty batch `[]` with one "Invalid Request".
        Ok(Request::Batch(calls)) if calls.is_empty() => {
            Either::Left(ready(Some(Reply::error(Error::invalid_request()))))
        }
        // No "jsonrpc" member: Go's 1.0 client. Ask the same question in 2.0, answer in 1.0.
        Ok(Request::Single(Call::MethodCall(call))) if v1::is_v1(&call) => {
            Either::Right(Either::Left(
                io.handle_call(v1::upgrade(call))
                    .map(|output| output.map(|output| Reply::V1(v1::downgrade(output)))),
            ))
        }
        Ok(request) => Either::Right(Either::Right(
            io.handle_rpc_request(request)
                .map(|response| response.map(Reply::V2)),
        )),
    }
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
