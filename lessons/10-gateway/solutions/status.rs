//! Exercise: turn a failed gRPC call into the gateway's answer.
//!
//! The captcha service says what went wrong with a gRPC status code; the browser must get
//! an HTTP status and an errno. Some failures are the caller's (a malformed uuid), some
//! mean "try again" (the service is away or too slow), the rest are the service's own.
//! The status's message is for the log: it may name Redis, addresses, internals.

use axum::http::StatusCode;
use tonic::{Code, Status};

use crate::errno::{ApiError, Errno};

/// The answer for a call to the captcha service that failed with `status`.
pub fn from_grpc(status: &Status) -> ApiError {
    tracing::warn!(code = ?status.code(), message = status.message(), "captcha call failed");
    match status.code() {
        Code::InvalidArgument => ApiError::bad_parameter("the captcha service refused the uuid"),
        Code::AlreadyExists => ApiError::new(StatusCode::CONFLICT, Errno::DataExist)
            .because("this uuid already has a live captcha; ask with a new uuid"),
        Code::Unavailable | Code::DeadlineExceeded | Code::ResourceExhausted => {
            ApiError::unavailable("the captcha service cannot answer now; try again")
        }
        _ => ApiError::new(StatusCode::BAD_GATEWAY, Errno::ThirdErr)
            .because("the captcha service failed"),
    }
}
