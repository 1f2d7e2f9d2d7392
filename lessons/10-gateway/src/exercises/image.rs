//! Exercise: the image route. `GET /api/v1.0/imagecode/{uuid}` asks a passing captcha
//! instance for a new image, within a deadline, and answers the PNG.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use proto::captcha::NewCaptchaRequest;

use crate::errno::ApiError;
use crate::exercises::status::from_grpc;
use crate::routes::{App, parse_uuid};

/// The captcha image for `uuid`: `image/png`, never cached. 400 for a malformed uuid, 503
/// within `app.deadline` when no instance answers.
pub async fn image(State(app): State<App>, Path(uuid): Path<String>) -> Result<Response, ApiError> {
    // TODO: parse the uuid (`parse_uuid`), take a client with `app.captcha.pick()?`, call
    // `new_captcha` inside `tokio::time::timeout(app.deadline, …)`: too late is a 503
    // (`ApiError::unavailable`), a gRPC error goes through `from_grpc`. Answer the PNG with
    // `Content-Type: image/png` and `Cache-Control: no-store`.
    todo!("answer the captcha image for {uuid}")
}
