//! The gateway's routes: the seed's `router.GET(...)` lines, in axum.
//!
//! axum routes a request by method and path to a handler, an `async fn` whose arguments
//! are *extractors* (the path's `{uuid}`, the JSON body, the shared state) and whose
//! result is anything that turns into a response. An extractor that cannot extract (a body
//! that is not JSON, say) *rejects* the request with a plain-text answer of its own; this
//! gateway takes every rejection as a `Result` argument instead and answers with the errno
//! JSON, so a client of the API only ever reads one shape. So do the two fallbacks (no such
//! path, no such method), a handler that panics, and the path rejections no handler sees.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::FutureExt as _;
use serde::Deserialize;

use crate::errno::{ApiError, Errno, answer};
use crate::exercises::{image::image, verify::verify, view::view};
use crate::unwritten;
use crate::upstream::Upstream;

/// What every handler may read: the captcha service, how long a call to it may take, and
/// where the page's files are.
#[derive(Clone)]
pub struct App {
    pub captcha: Upstream,
    pub deadline: Duration,
    pub view: PathBuf,
}

/// The body of a verify request: `{"text": "<code>"}`.
#[derive(Debug, Deserialize)]
pub struct Guess {
    pub text: String,
}

pub const SESSION: &str = "/api/v1.0/session";
pub const IMAGE: &str = "/api/v1.0/imagecode/{uuid}";
pub const VERIFY: &str = "/api/v1.0/imagecode/{uuid}/verify";

// ANCHOR: router
/// The gateway: the API, the page's files for every other path, errno JSON for anything
/// that goes wrong.
pub fn router(app: App) -> Router {
    Router::new()
        // axum 0.8 writes a path parameter `{uuid}`; the older `:uuid` panics here.
        .route(SESSION, get(session))
        .route(IMAGE, get(image))
        .route(VERIFY, post(verify))
        // Like gin's `router.Static("/", "view")`: whatever no route takes is a file.
        .fallback(page)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(panics_as_errno))
        .layer(middleware::from_fn(rejections_as_errno))
        .with_state(app)
}
// ANCHOR_END: router

// ANCHOR: session
/// `GET /api/v1.0/session`: nobody is logged in in this course, as the seed answers before
/// its login lesson.
async fn session() -> Response {
    answer(Errno::SessionErr, None)
}
// ANCHOR_END: session

/// A path the API has, with a method it has not.
async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, Errno::ReqErr).because("method not allowed")
}

// ANCHOR: page
/// The longest path segment a file of the page can have. The file system has its own limit
/// (255 bytes a name on Linux: longer is an error, not "no such file").
pub const MAX_SEGMENT_BYTES: usize = 64;

/// The longest path a file of the page can have. The file system has its limit for a whole
/// path too (4096 bytes on Linux), which 2,048 segments of one letter already pass.
pub const MAX_PATH_BYTES: usize = 1024;

/// The page's files, for a path that can name one: not too long, of short segments of
/// letters, digits, `.`, `-` and `_`, none starting with a dot. Any other path is no file of
/// ours, and is answered 404 without ever reaching the file system (a 300-byte name, or
/// `/a/a/…` 20,000 times, would make it fail with "File name too long", an error worth
/// nothing but a line at debug level).
async fn page(state: State<App>, request: Request) -> Response {
    let path = request.uri().path();
    let plausible = path.len() <= MAX_PATH_BYTES
        && path.split('/').skip(1).all(|segment| {
            segment.len() <= MAX_SEGMENT_BYTES
                && !segment.starts_with('.')
                && segment
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b".-_".contains(&byte))
        });
    if !plausible {
        let shown: String = path.chars().take(MAX_SEGMENT_BYTES).collect();
        tracing::debug!(path = %shown, bytes = path.len(), "not a file name of the page");
        return ApiError::new(StatusCode::NOT_FOUND, Errno::NoData)
            .because("nothing at this path")
            .into_response();
    }
    view(state, request).await
}
// ANCHOR_END: page

// ANCHOR: rejections
/// axum's extractors answer what they cannot extract in plain text of their own: a path
/// whose `{uuid}` is not UTF-8 once decoded (`/api/v1.0/imagecode/%FF`) gets `400 Invalid
/// URL: Invalid UTF-8 in uuid` before the handler runs. Every answer of this API is errno
/// JSON, so an error that is not becomes one, with axum's text (short) as its reason.
async fn rejections_as_errno(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let errno = match status {
        StatusCode::NOT_FOUND => Errno::NoData,
        StatusCode::METHOD_NOT_ALLOWED => Errno::ReqErr,
        status if status.is_client_error() => Errno::ParamErr,
        _ => Errno::ServerErr,
    };
    let text = axum::body::to_bytes(response.into_body(), 1024).await;
    let reason = text.map(|text| String::from_utf8_lossy(&text).chars().take(200).collect());
    let mut error = ApiError::new(status, errno);
    error.reason = reason.ok().filter(|reason: &String| !reason.is_empty());
    error.into_response()
}
// ANCHOR_END: rejections

// ANCHOR: panics
/// A handler that panics (a bug, or an exercise's `todo!()`) would drop the connection:
/// the browser sees a network error, and the log says little. Catch it, log it, and answer
/// errno 4500 like any other failure; when the panic is an exercise's, the answer names
/// its file ([`unwritten`]).
async fn panics_as_errno(request: Request, next: Next) -> Response {
    unwritten::note_panic_places();
    let route = format!("{} {}", request.method(), request.uri().path());
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("a panic");
            let place = unwritten::last_panic_place();
            match unwritten::not_done(place.as_ref(), message) {
                Some(line) => tracing::error!(%route, "{line}"),
                None => tracing::error!(%route, "the handler panicked: {message}"),
            }
            let mut error = ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Errno::ServerErr);
            error.reason = unwritten::reason(place.as_ref(), message);
            error.into_response()
        }
    }
}
// ANCHOR_END: panics

/// Reads the `{uuid}` of a path, or answers 400, errno 4103.
pub fn parse_uuid(text: &str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::parse_str(text)
        .map_err(|_| ApiError::bad_parameter(format!("{text:?} is not a UUID")))
}
