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
    // TODO: the answers of the doc comment, every one of them errno JSON (a bad body too,
    // which axum would answer in plain text). Which requests must never reach the service,
    // since any try there uses the code up? A call is bounded by `app.deadline`.
    todo!("verify the guess for {uuid}")
}
