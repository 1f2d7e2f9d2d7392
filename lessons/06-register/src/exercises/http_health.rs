//! Exercise `register.http-health`: an HTTP health endpoint that tells the truth.
//!
//! A TCP check passes as long as the port is open, even when the program behind it can
//! no longer do its job. An HTTP check lets the program answer for itself, and Consul
//! reads the status code: 2xx is passing, 429 (Too Many Requests) is warning, anything
//! else is critical. The body becomes the check's output, which an operator reads in
//! `consul catalog` or the UI, so say in words why.
//!
//! The service's condition lives in a `tokio::sync::watch` channel: whoever knows (the
//! work loop, an overload detector, a shutdown) sends the new condition, and the endpoint
//! reads the latest one on every request.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tokio::sync::watch;

/// What the service can say about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Working: send calls. Answer 200.
    Serving,
    /// Working, but at its limit: keep it, prefer others. Answer 429.
    Overloaded,
    /// Not working: send nothing. Answer 503.
    Down,
}

/// The path of the health endpoint.
pub const HEALTH_PATH: &str = "/health";

/// A router with one route, `GET /health`, that answers from the latest condition sent on
/// `condition`: 200, 429 or 503, with a short body that says why.
pub fn health_router(condition: watch::Receiver<Condition>) -> Router {
    // TODO: the router of the doc comment. Each request answers from the condition sent
    // last, not the one there was when the router was made.
    todo!("register.http-health: answer 200, 429 or 503 from the condition")
}
