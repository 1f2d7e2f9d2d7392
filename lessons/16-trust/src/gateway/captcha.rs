//! The captchas the gateway spends: a registration's always, a login's when it brings one.
//!
//! Lesson 10's page asks for a captcha with a registration, so the gateway verifies its
//! uuid and code with lesson 09's captcha service (`--captcha ADDR`) before it asks the user
//! service for anything. So does a login that brings one: a name that has had wrong
//! passwords lately needs one (`403`, errno 4102, "… needs a captcha"), so that a stranger's
//! guesses slow the owner down by a captcha and never lock them out.

use std::time::Duration;

use axum::http::StatusCode;
use proto::captcha::VerifyRequest;
use proto::captcha::captcha_client::CaptchaClient;
use shared::errno::{ApiError, Errno};
use tonic::Code;
use tonic::transport::Channel;

/// Lesson 09's captcha service as the gateway calls it: its client, and how long it has to
/// answer (`--captcha-deadline`).
#[derive(Clone)]
pub struct Captchas {
    pub client: CaptchaClient<Channel>,
    pub deadline: Duration,
}

// ANCHOR: captcha
/// Spends the captcha `uuid` with its `code`: an error unless lesson 09's service says it
/// was right (once: a wrong code uses it up too).
pub(crate) async fn check_captcha(
    captchas: &Captchas,
    uuid: String,
    code: String,
) -> Result<(), ApiError> {
    if uuid.trim().is_empty() || code.trim().is_empty() {
        return Err(ApiError::bad_parameter(
            "a captcha is its uuid and its code",
        ));
    }
    let mut client = captchas.client.clone();
    let verify = client.verify(VerifyRequest { uuid, code });
    let reply = match tokio::time::timeout(captchas.deadline, verify).await {
        Err(_) => return Err(ApiError::unavailable("the captcha service did not answer")),
        Ok(Err(status)) if status.code() == Code::InvalidArgument => {
            return Err(ApiError::bad_parameter("the captcha's uuid is malformed"));
        }
        Ok(Err(status)) => {
            tracing::warn!(code = ?status.code(), message = status.message(), "the captcha service failed");
            return Err(ApiError::unavailable(
                "the captcha service cannot answer now",
            ));
        }
        Ok(Ok(reply)) => reply.into_inner(),
    };
    if !reply.ok {
        return Err(ApiError::new(StatusCode::OK, Errno::DataErr)
            .because("the captcha's code is wrong, expired or used: ask for a new image"));
    }
    Ok(())
}
// ANCHOR_END: captcha

/// What a login that needs a captcha is told.
pub const NEEDS_CAPTCHA: &str =
    "this name needs a captcha: log in again with the uuid and code of a new image";
