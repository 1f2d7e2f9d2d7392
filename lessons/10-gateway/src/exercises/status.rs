//! Exercise: turn a failed gRPC call into the gateway's answer.
//!
//! The captcha service says what went wrong with a gRPC status code; the browser must get
//! an HTTP status and an errno. Some failures are the caller's (a malformed uuid), some
//! mean "try again" (the service is away or too slow), the rest are the service's own.
//! The status's message is for the log: it may name Redis, addresses, internals.

use axum::http::StatusCode;
use tonic::{Code, Status};

use crate::errno::{ApiError, Errno};

/// The answer for a call to the captcha service that failed with `status`:
///
/// - `INVALID_ARGUMENT`: 400, errno 4103 (the caller's mistake);
/// - `ALREADY_EXISTS`: 409, errno 4003 (the uuid has a live captcha);
/// - `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`: 503, errno 4301 (try again);
/// - anything else: 502, errno 4301 (the service behind failed).
///
/// The reason never repeats `status.message()`: log it instead.
pub fn from_grpc(status: &Status) -> ApiError {
    // TODO: the answer of the list above, with a reason in words that tells the user what
    // to do; what the service said goes to the log.
    todo!(
        "map the gRPC status {:?} to an HTTP status and an errno",
        status.code()
    )
}
