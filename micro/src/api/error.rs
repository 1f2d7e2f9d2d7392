//! What `micro api` answers when a call cannot be made or fails: JSON, never a panic.
//!
//! Every error is a gRPC status — the gateway's own (no such service, bad JSON) as much as
//! the service's — sent back as `{"code": 5, "status": "NotFound", "message": "…"}`, the
//! shape of `google.rpc.Status` that grpc-gateway also answers, with the HTTP status that
//! means the same thing to an HTTP client.
//!
//! A failed call says one more thing, which the code alone cannot: whether it may have run
//! ([`crate::client::wire`]). Never run — the gateway could not reach a node, or every node
//! refused the call unprocessed — is 503: safe to send again, anywhere. May have run is 502
//! (the node's connection broke, or the node answered `Unavailable` itself) or 504 (no
//! answer in time): an HTTP client sends it again only if it knows the request is
//! idempotent. The body of those says it too (`"may_have_run"`), and, when the gateway
//! wanted to retry and its retry budget refused, says that and sets [`RETRY_BUDGET_HEADER`].

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tonic::{Code, Status};

use crate::client::wire;

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

/// The header a failed answer carries, `spent`, when the gateway wanted to retry the call
/// and its retry budget refused.
pub const RETRY_BUDGET_HEADER: &str = "x-retry-budget";

// ANCHOR: may_have_run
/// The HTTP status of a call's failure that the client marked: never run is 503, whatever
/// the code; may have run is 504 for no answer in time, 502 for a broken connection or a
/// node's own `Unavailable` (which must not read as "safe to send again"), and the code's
/// own status for any other answer of the service.
pub fn tried_status(code: Code, never_ran: bool) -> StatusCode {
    match (never_ran, code) {
        (true, _) => StatusCode::SERVICE_UNAVAILABLE,
        (false, Code::DeadlineExceeded | Code::Cancelled) => StatusCode::GATEWAY_TIMEOUT,
        (false, Code::Unavailable | Code::Unknown) => StatusCode::BAD_GATEWAY,
        (false, code) => http_status(code),
    }
}
// ANCHOR_END: may_have_run

/// A failed request: a gRPC status, and the HTTP status to send it with.
#[derive(Debug)]
pub struct ApiError {
    pub http: StatusCode,
    pub status: Status,
    /// For a call's failure: whether it may have run (`None`: the gateway's own failure,
    /// before any call).
    pub may_have_run: Option<bool>,
    /// Whether the retry budget refused a retry the call wanted.
    pub budget_spent: bool,
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
            may_have_run: None,
            budget_spent: false,
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
            may_have_run: None,
            budget_spent: false,
        }
    }
}

impl From<Status> for ApiError {
    fn from(status: Status) -> ApiError {
        let never_ran = wire::marked_not_run(&status);
        let http = match never_ran {
            Some(never_ran) => tried_status(status.code(), never_ran),
            None => http_status(status.code()),
        };
        ApiError {
            http,
            may_have_run: never_ran.map(|never_ran| !never_ran),
            budget_spent: wire::marked_budget_spent(&status),
            status,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.status.code();
        let mut body = json!({
            "code": code as i32,
            "status": format!("{code:?}"),
            "message": self.status.message(),
        });
        // Said where the status leaves it open: a 400 or a 409 is the service's own answer.
        let open = [502, 503, 504].contains(&self.http.as_u16());
        if let Some(may_have_run) = self.may_have_run.filter(|_| open) {
            body["may_have_run"] = may_have_run.into();
        }
        if !self.budget_spent {
            return (self.http, Json(body)).into_response();
        }
        body["retry_budget"] = "spent: no retry was sent".into();
        let spent = [(RETRY_BUDGET_HEADER, "spent")];
        (self.http, spent, Json(body)).into_response()
    }
}
