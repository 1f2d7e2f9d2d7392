//! What every route of the class server reads and answers with: a JSON body, read whole
//! within its time and size; the bearer token, the teacher's among them; and a refusal, a
//! status with its reason in the teacher's language. The learners' routes, the teacher's
//! and the roster's share them, so each refuses alike.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use workbook_core::class::Refused;
use workbook_core::language::messages::{ClassMsg, say_in};

use super::super::{Class, guard};

/// The largest join request read.
pub(in super::super) const MAX_JOIN_BYTES: usize = 4 * 1024;

/// How long a request's body may take to arrive: the largest (64 KiB) at 6.5 KiB/s. A
/// client that announces a body and sends it a byte at a time, or never, is refused.
const BODY_TIME: Duration = Duration::from_secs(10);

/// A refusal: `status`, and why.
pub(in super::super) fn refuse(status: StatusCode, why: String) -> Response {
    let refused = Refused {
        error: why,
        gone: None,
    };
    (status, axum::Json(refused)).into_response()
}

impl Class {
    pub(in super::super) fn say(
        &self,
        msg: ClassMsg,
        args: &[(&str, &dyn std::fmt::Display)],
    ) -> String {
        say_in(self.lang, msg, args)
    }
}

/// Reads a body of at most `max` bytes as JSON of type `T`.
pub(in super::super) async fn read_json<T: serde::de::DeserializeOwned>(
    class: &Class,
    body: Body,
    max: usize,
) -> Result<T, Response> {
    let read = tokio::time::timeout(BODY_TIME, axum::body::to_bytes(body, max)).await;
    let bytes: Bytes = match read {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return Err(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                class.say(ClassMsg::RefuseTooLarge, &[("max", &max)]),
            ));
        }
        Err(_) => {
            let seconds = BODY_TIME.as_secs();
            return Err(refuse(
                StatusCode::REQUEST_TIMEOUT,
                class.say(ClassMsg::RefuseSlow, &[("seconds", &seconds)]),
            ));
        }
    };
    serde_json::from_slice(&bytes).map_err(|err| {
        refuse(
            StatusCode::BAD_REQUEST,
            class.say(ClassMsg::RefuseJson, &[("why", &err)]),
        )
    })
}

/// The bearer token of a request.
pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

#[derive(Debug, Deserialize)]
pub(in super::super) struct TeacherQuery {
    token: Option<String>,
}

/// Whether a request carries the teacher's token (`?token=` or `Authorization: Bearer`).
pub(in super::super) fn is_teacher(
    class: &Class,
    query: &TeacherQuery,
    headers: &HeaderMap,
) -> bool {
    query
        .token
        .as_deref()
        .or_else(|| bearer(headers))
        .is_some_and(|token| guard::same_secret(token, &class.row.teacher_token))
}

pub(in super::super) fn not_the_teacher(class: &Class) -> Response {
    refuse(
        StatusCode::FORBIDDEN,
        class.say(ClassMsg::RefuseTeacher, &[]),
    )
}
