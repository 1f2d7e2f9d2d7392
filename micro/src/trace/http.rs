//! The gateway's span for each request, and the `traceparent` it passes on.
//!
//! The gateway is where most traces begin: a browser or `curl` sends no `traceparent`,
//! so the request's span starts a new trace (one that does send it, a gateway in front of
//! this one say, has its trace continued). Each call the gateway then makes to a service
//! carries the request span's place in its metadata ([`super::inject`]).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The longest path a span's name quotes: anyone can send any path.
const MAX_NAME: usize = 128;

// ANCHOR: traced
/// Middleware: each request in a span, `GET /greeter/say-hello`, under the caller's if it
/// sent a valid `traceparent`; an error span when the answer is a server error (5xx).
pub async fn traced(request: Request, next: Next) -> Response {
    if !super::tracing() {
        return next.run(request).await;
    }
    let mut name = format!("{} {}", request.method(), request.uri().path());
    if name.len() > MAX_NAME {
        let end = (0..=MAX_NAME).rev().find(|&i| name.is_char_boundary(i));
        name.truncate(end.unwrap_or(0));
    }
    let span = tracing::info_span!(
        target: super::SPANS,
        "http",
        otel.name = name,
        otel.kind = "server",
        http.response.status_code = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    );
    let _ = span.set_parent(super::parent_from(request.headers()));
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    span.record("http.response.status_code", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
    }
    response
}
// ANCHOR_END: traced
