//! The session, as the browser holds it: a login opens one in the user service, and the
//! gateway hands its id to the browser as a cookie:
//!
//! - `HttpOnly`: the page's scripts cannot read it, so a script injected into the page
//!   cannot send it elsewhere;
//! - `SameSite=Strict`: the browser sends it only with requests from this site, so another
//!   site cannot make a logged-in browser call the API;
//! - `Secure` when the gateway is served over TLS: the browser never sends it in plaintext.
//!
//! `GET /api/v1.0/session` then says whose session the cookie is, and `DELETE` ends it.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use proto::session::{LoginRequest, LogoutRequest, SessionRequest};
use shared::errno::{ApiError, Body, Errno, answer};
use tonic::Code;

use super::captcha::check_captcha;
use super::errors::from_grpc;
use super::{App, Credentials};

/// The cookie's name.
pub const COOKIE_NAME: &str = "session";

// ANCHOR: login
pub(crate) async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Credentials,
) -> Result<Response, ApiError> {
    // A captcha brought along is spent first, right or wrong, whether the name needs one
    // or not: the user service hears only that it was right.
    let brought = !(body.uuid.is_empty() && body.code.is_empty());
    let captcha = match &app.captcha {
        Some(captchas) if brought => {
            check_captcha(captchas, body.uuid, body.code).await?;
            true
        }
        _ => false,
    };
    let request = LoginRequest {
        name: body.name.clone(),
        password: body.password,
        client_addr: peer.ip().to_string(),
        captcha,
    };
    let reply = app.users.clone().login(request).await;
    let reply = match reply {
        Ok(reply) => reply.into_inner(),
        Err(status) if status.code() == Code::FailedPrecondition && app.captcha.is_none() => {
            return Err(
                ApiError::new(StatusCode::FORBIDDEN, Errno::LoginErr).because(
                    "this name needs a captcha, and this gateway checks none (it runs without \
                 --captcha)",
                ),
            );
        }
        Err(status) => return Err(from_grpc(&status)),
    };
    let mut cookie = format!(
        "{COOKIE_NAME}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict",
        reply.session_id, reply.ttl_seconds
    );
    if app.secure {
        cookie.push_str("; Secure");
    }
    let mut response = with_name(&body.name);
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| ApiError::bad_parameter("name"))?;
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
}
// ANCHOR_END: login

// ANCHOR: session
/// `GET /api/v1.0/session`: whose session the cookie is, or errno 4101 (not logged in).
pub(crate) async fn session(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Some(id) = session_id(&headers) else {
        return Ok(answer(Errno::SessionErr, None));
    };
    match app
        .users
        .clone()
        .session(SessionRequest { session_id: id })
        .await
    {
        Ok(reply) => Ok(with_name(&reply.into_inner().name)),
        Err(status) if status.code() == Code::Unauthenticated => {
            Ok(answer(Errno::SessionErr, None))
        }
        Err(status) => Err(from_grpc(&status)),
    }
}
// ANCHOR_END: session

/// `DELETE /api/v1.0/session`: ends the session, and asks the browser to forget the cookie.
pub(crate) async fn logout(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(id) = session_id(&headers) {
        app.users
            .clone()
            .logout(LogoutRequest { session_id: id })
            .await
            .map_err(|status| from_grpc(&status))?;
    }
    let mut response = answer(Errno::Ok, None);
    let forget = format!("{COOKIE_NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    if let Ok(forget) = HeaderValue::from_str(&forget) {
        response.headers_mut().insert(SET_COOKIE, forget);
    }
    Ok(response)
}

/// The session cookie's value, if the request has one.
pub fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// Errno 0 with the user's name: `{"errno": "0", "errmsg": "OK (成功)", "data": {"name": …}}`.
fn with_name(name: &str) -> Response {
    let body = Body::new(Errno::Ok, None);
    let json = serde_json::json!({
        "errno": body.errno,
        "errmsg": body.errmsg,
        "data": { "name": name },
    });
    (StatusCode::OK, Json(json)).into_response()
}
