//! What `micro api` answers when a call cannot be made or fails: JSON, never a panic.
//!
//! Every error is a gRPC status — the gateway's own (no such service, bad JSON) as much as
//! the service's — sent back as `{"code": 5, "status": "NotFound", "message": "…"}`, the
//! shape of `google.rpc.Status` that grpc-gateway also answers, with the HTTP status that
//! means the same thing to an HTTP client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tonic::{Code, Status};

// ANCHOR: http_status
/// The HTTP status that says what `code` says (grpc-gateway's table).
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        // 499, nginx's "client closed request": the caller gave up.
        Code::Cancelled => StatusCode::from_u16(499).expect("499 is a valid status"),
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
// ANCHOR_END: http_status

/// A failed request: a gRPC status, and the HTTP status to send it with.
#[derive(Debug)]
pub struct ApiError {
    pub http: StatusCode,
    pub status: Status,
}

impl ApiError {
    /// `status` with the HTTP status its code maps to.
    pub fn new(code: Code, message: impl Into<String>) -> ApiError {
        ApiError::from(Status::new(code, message))
    }

    /// A body over the limit: 413, though its gRPC code is `ResourceExhausted`.
    pub fn too_large(limit: usize) -> ApiError {
        ApiError {
            http: StatusCode::PAYLOAD_TOO_LARGE,
            status: Status::resource_exhausted(format!("the body is over {limit} bytes")),
        }
    }
}

impl ApiError {
    /// What the service behind gave cannot be used — a schema too large to keep: 502,
    /// whatever its gRPC code.
    pub fn bad_gateway(status: Status) -> ApiError {
        ApiError {
            http: StatusCode::BAD_GATEWAY,
            status,
        }
    }
}

impl From<Status> for ApiError {
    fn from(status: Status) -> ApiError {
        ApiError {
            http: http_status(status.code()),
            status,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.status.code();
        let body = json!({
            "code": code as i32,
            "status": format!("{code:?}"),
            "message": self.status.message(),
        });
        (self.http, Json(body)).into_response()
    }
}
