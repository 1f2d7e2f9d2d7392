//! Exercise: the verify route. `POST /api/v1.0/imagecode/{uuid}/verify` with
//! `{"text": "<code>"}` asks the captcha service whether the code is right.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::Response;
use proto::captcha::VerifyRequest;

use crate::errno::{ApiError, Errno, answer};
use crate::exercises::status::from_grpc;
use crate::routes::{App, Guess, parse_uuid};

/// errno "0" for the right code; errno 4004 when it is wrong, expired or used (a code is
/// used up by any try). A body that is not `{"text": "…"}`, or an empty text, is a 400,
/// errno 4103, and uses nothing up.
pub async fn verify(
    State(app): State<App>,
    Path(uuid): Path<String>,
    guess: Result<Json<Guess>, JsonRejection>,
) -> Result<Response, ApiError> {
    let uuid = parse_uuid(&uuid)?;
    // axum would answer a bad body in plain text; say it in the errno JSON instead.
    let Json(Guess { text }) = guess.map_err(|rejection| {
        ApiError::bad_parameter(format!(
            "the body must be {{\"text\": \"<code>\"}}: {rejection}"
        ))
    })?;
    let code = text.trim();
    if code.is_empty() {
        // Checked here: the service would take an empty guess and use the code up.
        return Err(ApiError::bad_parameter("type the code shown in the image"));
    }
    let mut captcha = app.captcha.pick()?;
    let request = VerifyRequest {
        uuid: uuid.to_string(),
        code: code.to_string(),
    };
    let verdict = match tokio::time::timeout(app.deadline, captcha.verify(request)).await {
        Err(_elapsed) => {
            return Err(ApiError::unavailable(format!(
                "the captcha service did not answer within {:?}",
                app.deadline
            )));
        }
        Ok(Err(status)) => return Err(from_grpc(&status)),
        Ok(Ok(reply)) => reply.into_inner(),
    };
    Ok(if verdict.ok {
        answer(Errno::Ok, None)
    } else {
        answer(
            Errno::DataErr,
            Some("the code is wrong, expired or already used; ask for a new image"),
        )
    })
}
