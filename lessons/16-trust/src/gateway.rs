//! The gateway's session: the seed's `/api/v1.0/session` made real.
//!
//! The seed's gin app answered `GET /api/v1.0/session` with "not logged in" (its
//! `RECODE_SESSIONERR`) whatever came, the step its course never took. Here a login opens a
//! session in the user service, and the gateway hands its id to the browser as a cookie:
//!
//! - `HttpOnly`: the page's scripts cannot read it, so a script injected into the page
//!   cannot send it elsewhere;
//! - `SameSite=Strict`: the browser sends it only with requests from this site, so another
//!   site cannot make a logged-in browser call the API;
//! - `Secure` when the gateway is served over TLS: the browser never sends it in plaintext.
//!
//! A registration first spends a captcha, as lesson 10's page asks for one: the gateway
//! verifies its uuid and code with lesson 09's captcha service (`--captcha ADDR`) before it
//! asks the user service for anything. So does a login that brings one: a name that has had
//! wrong passwords lately needs one (`403`, errno 4102, "… needs a captcha"), so that a
//! stranger's guesses slow the owner down by a captcha and never lock them out.
//!
//! The gateway keeps nothing itself. It calls the user service over mutual TLS with its own
//! certificate (`spiffe://course/gateway`), the one caller the service's policy lets in.
//! How it is served, over HTTP or HTTPS, and stopped, is in [`serve`].

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use proto::captcha::VerifyRequest;
use proto::captcha::captcha_client::CaptchaClient;
use proto::session::users_client::UsersClient;
use proto::session::{LoginRequest, LogoutRequest, RegisterRequest, SessionRequest};
use serde::Deserialize;
use shared::errno::{ApiError, Body, Errno, answer};
use tonic::Code;
use tonic::transport::Channel;

mod serve;
pub use serve::{https_config, serve_http, serve_https};

/// The cookie's name.
pub const COOKIE_NAME: &str = "session";

pub const SESSION: &str = "/api/v1.0/session";
pub const SESSIONS: &str = "/api/v1.0/sessions";
pub const USERS: &str = "/api/v1.0/users";

/// What every handler may read: the user service, the captcha service (if registrations
/// check one), and whether the browser sees TLS.
#[derive(Clone)]
pub struct App {
    pub users: UsersClient<Channel>,
    pub captcha: Option<CaptchaClient<Channel>>,
    pub secure: bool,
}

/// How long the captcha service has to answer.
pub const CAPTCHA_DEADLINE: Duration = Duration::from_secs(2);

/// The body of a registration and of a login: `{"name": "…", "password": "…"}`, and the
/// captcha's `"uuid"` and `"code"` (a registration's always, a login's when asked for).
#[derive(Deserialize)]
pub struct Credentials {
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub uuid: String,
    #[serde(default)]
    pub code: String,
}

// ANCHOR: router
/// The session's routes: register, log in, who am I, log out.
pub fn router(app: App) -> Router {
    Router::new()
        .route(USERS, post(register))
        .route(SESSIONS, post(login))
        .route(SESSION, get(session).delete(logout))
        .with_state(app)
}
// ANCHOR_END: router

/// A failed call to the user service, as the browser should see it. What the service
/// said in detail is in its log, not in the answer; the gateway logs only what is not the
/// caller's own doing (a caller it refuses should not decide how fast its log grows).
fn from_grpc(status: &tonic::Status) -> ApiError {
    let callers = [
        Code::InvalidArgument,
        Code::AlreadyExists,
        Code::Unauthenticated,
        Code::ResourceExhausted,
        Code::FailedPrecondition,
    ];
    if callers.contains(&status.code()) {
        tracing::debug!(code = ?status.code(), message = status.message(), "the user service refused");
    } else {
        tracing::warn!(code = ?status.code(), message = status.message(), "the user service failed");
    }
    match status.code() {
        Code::InvalidArgument => ApiError::bad_parameter(status.message().to_string()),
        Code::AlreadyExists => {
            ApiError::new(StatusCode::CONFLICT, Errno::DataExist).because("that name is taken")
        }
        Code::Unauthenticated => ApiError::new(StatusCode::UNAUTHORIZED, Errno::LoginErr)
            .because("wrong name or password"),
        Code::ResourceExhausted => ApiError::new(StatusCode::TOO_MANY_REQUESTS, Errno::ReqErr)
            .because(status.message().to_string()),
        Code::FailedPrecondition => {
            ApiError::new(StatusCode::FORBIDDEN, Errno::LoginErr).because(NEEDS_CAPTCHA)
        }
        Code::Unavailable | Code::DeadlineExceeded => {
            ApiError::unavailable("the user service cannot answer now; try again later")
        }
        _ => ApiError::new(StatusCode::BAD_GATEWAY, Errno::ThirdErr)
            .because("the user service failed"),
    }
}

/// The body as JSON, or the errno answer for one that is not.
fn credentials(
    body: Result<Json<Credentials>, axum::extract::rejection::JsonRejection>,
) -> Result<Credentials, ApiError> {
    body.map(|Json(body)| body)
        .map_err(|rejection| ApiError::bad_parameter(rejection.body_text()))
}

async fn register(
    State(app): State<App>,
    body: Result<Json<Credentials>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Credentials {
        name,
        password,
        uuid,
        code,
    } = credentials(body)?;
    if let Some(captcha) = app.captcha {
        check_captcha(captcha, uuid, code).await?;
    }
    let request = RegisterRequest { name, password };
    app.users
        .clone()
        .register(request)
        .await
        .map_err(|status| from_grpc(&status))?;
    Ok(answer(Errno::Ok, None))
}

// ANCHOR: captcha
/// Spends the captcha `uuid` with its `code`: an error unless lesson 09's service says it
/// was right (once: a wrong code uses it up too).
async fn check_captcha(
    mut captcha: CaptchaClient<Channel>,
    uuid: String,
    code: String,
) -> Result<(), ApiError> {
    if uuid.trim().is_empty() || code.trim().is_empty() {
        return Err(ApiError::bad_parameter(
            "a captcha is its uuid and its code",
        ));
    }
    let verify = captcha.verify(VerifyRequest { uuid, code });
    let reply = match tokio::time::timeout(CAPTCHA_DEADLINE, verify).await {
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

// ANCHOR: login
async fn login(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<Credentials>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Credentials {
        name,
        password,
        uuid,
        code,
    } = credentials(body)?;
    // A captcha brought along is spent first, right or wrong, whether the name needs one
    // or not: the user service hears only that it was right.
    let brought = !(uuid.is_empty() && code.is_empty());
    let captcha = match &app.captcha {
        Some(captcha) if brought => {
            check_captcha(captcha.clone(), uuid, code).await?;
            true
        }
        _ => false,
    };
    let request = LoginRequest {
        name: name.clone(),
        password,
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
    let mut response = with_name(&name);
    let cookie = HeaderValue::from_str(&cookie).map_err(|_| ApiError::bad_parameter("name"))?;
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
}
// ANCHOR_END: login

// ANCHOR: session
/// `GET /api/v1.0/session`: whose session the cookie is, or errno 4101 (not logged in).
async fn session(State(app): State<App>, headers: HeaderMap) -> Result<Response, ApiError> {
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
async fn logout(State(app): State<App>, headers: HeaderMap) -> Result<Response, ApiError> {
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
