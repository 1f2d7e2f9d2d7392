//! JSON-RPC over HTTP: POST a request as the body of `/`, get the reply as the response body.
//!
//! HTTP brings its own framing (Content-Length) and goes through proxies, browsers and curl,
//! at the price of a few hundred bytes of headers per call. The methods are the same
//! `IoHandler` the TCP server uses; only the way bytes arrive differs.

use std::future::{Future, IntoFuture};
use std::io;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::FutureExt;
use jsonrpc_core::IoHandler;
use tokio::net::TcpListener;

use crate::dispatch;
use crate::tcp::{GRACE, MAX_LINE};

// ANCHOR: router
/// `POST /` with a JSON-RPC request (or batch) as the body. Bodies over [`MAX_LINE`] are
/// refused with 413 Payload Too Large, the HTTP way of saying what TCP says with -32600.
pub fn router(io: Arc<IoHandler>) -> Router {
    Router::new()
        .route("/", post(call))
        .layer(DefaultBodyLimit::max(MAX_LINE))
        .with_state(io)
}

async fn call(State(io): State<Arc<IoHandler>>, body: Bytes) -> Response {
    match dispatch::respond(&io, &body).await {
        Some(reply) => axum::Json(reply).into_response(),
        // A notification gets no reply; in HTTP, that is an empty "204 No Content".
        None => StatusCode::NO_CONTENT.into_response(),
    }
}
// ANCHOR_END: router

// ANCHOR: serve
/// Serves [`router`] on `listener` until `shutdown` completes, then finishes the requests
/// under way, for at most [`GRACE`]: a client that holds half a request cannot keep the
/// server up.
pub async fn serve(
    listener: TcpListener,
    io: Arc<IoHandler>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // Two parties wait for the one stop: axum's graceful shutdown, and the deadline.
    let shutdown = shutdown.shared();
    let server = axum::serve(listener, router(io))
        .with_graceful_shutdown(shutdown.clone())
        .into_future();
    // Cut off after the grace period, the server's connection tasks end with the process.
    let served = shared::signal::within_grace(GRACE, shutdown, server).await;
    served.unwrap_or(Ok(()))
}
// ANCHOR_END: serve
