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
    // TODO: the answer of the doc comment. An instance that passes its checks but never
    // answers costs the caller `app.deadline`, not more; a failed call is answered as
    // `gateway.status` decides.
    todo!("answer the captcha image for {uuid}")
}
