//! The gateway: the seed's session API, `/api/v1.0/users`, `/sessions` and `/session`,
//! made real in front of the user service.
//!
//! The seed's gin app answered `GET /api/v1.0/session` with "not logged in" (its
//! `RECODE_SESSIONERR`) whatever came, the step its course never took. Here a login opens a
//! session in the user service, and the gateway hands its id to the browser as a cookie
//! (`session.rs`). A registration first spends a captcha, and so does a login that brings
//! one (`captcha.rs`). What the user service refuses, the browser is told in the seed's
//! errno (`errors.rs`).
//!
//! The gateway keeps nothing itself. It calls the user service over mutual TLS with its own
//! certificate (`spiffe://course/gateway`), the one caller the service's policy lets in.
//! How it is served, over HTTP or HTTPS, and stopped, is in `serve.rs`.

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use proto::session::RegisterRequest;
use proto::session::users_client::UsersClient;
use serde::Deserialize;
use shared::errno::{ApiError, Errno, answer};
use tonic::transport::Channel;

mod captcha;
mod errors;
mod serve;
mod session;

use captcha::check_captcha;
pub use captcha::{Captchas, NEEDS_CAPTCHA};
use errors::from_grpc;
pub use serve::{CONNECTIONS_AT_ONCE, https_config, https_door, serve_http, serve_https};
pub use session::{COOKIE_NAME, session_id};
use session::{login, logout, session};

pub const SESSION: &str = "/api/v1.0/session";
pub const SESSIONS: &str = "/api/v1.0/sessions";
pub const USERS: &str = "/api/v1.0/users";

/// What every handler may read: the user service, the captcha service (if registrations
/// check one), and whether the browser sees TLS.
#[derive(Clone)]
pub struct App {
    pub users: UsersClient<Channel>,
    pub captcha: Option<Captchas>,
    pub secure: bool,
}

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

/// A handler that takes [`Credentials`] gets them read from the body, or never runs: a body
/// that is not such JSON is answered with the seed's errno for a bad parameter, and why; one
/// longer than axum reads (2 MB) with `413 Payload Too Large`, which says so.
impl<S: Send + Sync> FromRequest<S> for Credentials {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Credentials, ApiError> {
        let Json(credentials) = Json::<Credentials>::from_request(request, state)
            .await
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Errno::ParamErr)
                        .because("the request's body is too large")
                }
                _ => ApiError::bad_parameter(rejection.body_text()),
            })?;
        Ok(credentials)
    }
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

async fn register(State(app): State<App>, body: Credentials) -> Result<Response, ApiError> {
    if let Some(captchas) = &app.captcha {
        check_captcha(captchas, body.uuid, body.code).await?;
    }
    let request = RegisterRequest {
        name: body.name,
        password: body.password,
    };
    app.users
        .clone()
        .register(request)
        .await
        .map_err(|status| from_grpc(&status))?;
    Ok(answer(Errno::Ok, None))
}
