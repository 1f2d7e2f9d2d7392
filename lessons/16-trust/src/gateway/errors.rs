//! What the user service refuses, as the browser is told it: the seed's errno for each of
//! the service's codes, and a line in the gateway's log for what is not the caller's doing.

use axum::http::StatusCode;
use shared::errno::{ApiError, Errno};
use tonic::Code;

use super::NEEDS_CAPTCHA;

/// A failed call to the user service, as the browser should see it. What the service
/// said in detail is in its log, not in the answer; the gateway logs only what is not the
/// caller's own doing (a caller it refuses should not decide how fast its log grows).
pub(crate) fn from_grpc(status: &tonic::Status) -> ApiError {
    let callers = [
        Code::InvalidArgument,
        Code::AlreadyExists,
        Code::Unauthenticated,
        Code::ResourceExhausted,
        Code::FailedPrecondition,
    ];
    if callers.contains(&status.code()) {
        tracing::debug!(code = ?status.code(), message = status.message(), "the user service refused");
    } else {
        tracing::warn!(code = ?status.code(), message = status.message(), "the user service failed");
    }
    match status.code() {
        Code::InvalidArgument => ApiError::bad_parameter(status.message().to_string()),
        Code::AlreadyExists => {
            ApiError::new(StatusCode::CONFLICT, Errno::DataExist).because("that name is taken")
        }
        Code::Unauthenticated => ApiError::new(StatusCode::UNAUTHORIZED, Errno::LoginErr)
            .because("wrong name or password"),
        Code::ResourceExhausted => ApiError::new(StatusCode::TOO_MANY_REQUESTS, Errno::ReqErr)
            .because(status.message().to_string()),
        Code::FailedPrecondition => {
            ApiError::new(StatusCode::FORBIDDEN, Errno::LoginErr).because(NEEDS_CAPTCHA)
        }
        Code::Unavailable | Code::DeadlineExceeded => {
            ApiError::unavailable("the user service cannot answer now; try again later")
        }
        _ => ApiError::new(StatusCode::BAD_GATEWAY, Errno::ThirdErr)
            .because("the user service failed"),
    }
}
