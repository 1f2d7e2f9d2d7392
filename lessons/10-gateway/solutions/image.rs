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
    let uuid = parse_uuid(&uuid)?;
    let mut captcha = app.captcha.pick()?;
    let request = NewCaptchaRequest {
        uuid: uuid.to_string(),
    };
    // The deadline covers connecting too: a lazy channel connects on its first call.
    let reply = match tokio::time::timeout(app.deadline, captcha.new_captcha(request)).await {
        Err(_elapsed) => {
            return Err(ApiError::unavailable(format!(
                "the captcha service did not answer within {:?}",
                app.deadline
            )));
        }
        Ok(Err(status)) => return Err(from_grpc(&status)),
        Ok(Ok(reply)) => reply.into_inner(),
    };
    // A new image on every request: a cached one would show a code that is gone.
    let headers = [(CONTENT_TYPE, "image/png"), (CACHE_CONTROL, "no-store")];
    Ok((headers, reply.png).into_response())
}
