//! A client agent answers catalog, health and KV requests by asking the server.
//!
//! The catalog lives on the server, so a client passes such a request on as it came (the
//! method, the path with its query, the body, the headers that matter) and hands back the
//! server's answer, `X-Consul-Index` and all: a blocking query blocks on the server.
//! Consul's clients do the same over RPC.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

use crate::http::text;

use std::time::Duration;

use super::Cluster;

/// How long a server may take over a read that does not block: it answers in
/// milliseconds, so a server silent this long is gone (a partition leaves a kept-alive
/// connection open and mute, and only a deadline ends the wait).
pub const SERVER_PATIENCE: Duration = Duration::from_secs(10);

/// How long to wait for the server's answer to a request: a blocking query's `wait` (and
/// the server's jitter, up to a sixteenth of it) on top of [`SERVER_PATIENCE`].
pub fn patience(blocking_wait: Option<Duration>) -> Duration {
    blocking_wait.map_or(SERVER_PATIENCE, |wait| wait + wait / 16 + SERVER_PATIENCE)
}

/// Passes a request on to the server and returns its answer, or a 500 that says why there
/// is none within `patience`.
pub async fn forward(
    cluster: &Cluster,
    method: Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: Bytes,
    patience: Duration,
) -> Response {
    let Some(server) = cluster.server() else {
        // Consul's words for a client that knows no server.
        return text(StatusCode::INTERNAL_SERVER_ERROR, "No known Consul servers");
    };
    // The HTTP client and the server are built on different versions of the `http`
    // crate, so method and headers cross over as text.
    let method =
        reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = cluster
        .http
        .request(method, format!("http://{server}{path_and_query}"))
        .timeout(patience)
        .body(body);
    for (name, value) in headers {
        if passed_on(name.as_str()) {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(error) if error.is_timeout() => {
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("rpc error: the server at {server} did not answer within {patience:?}"),
            );
        }
        Err(error) => {
            return text(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "rpc error: the server at {server} did not answer: {}",
                    crate::innermost_cause(&error)
                ),
            );
        }
    };
    let status = answer.status();
    let mut response = Response::builder().status(status.as_u16());
    for (name, value) in answer.headers() {
        if passed_on(name.as_str()) {
            response = response.header(name.as_str(), value.as_bytes());
        }
    }
    match answer.bytes().await {
        Ok(body) => response
            .body(Body::from(body))
            .unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "bad answer")),
        Err(error) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("rpc error: the server at {server} broke off its answer: {error}"),
        ),
    }
}

/// Consul's own headers (the index, the token) and the body's type.
fn passed_on(header: &str) -> bool {
    header.starts_with("x-consul-") || header == "content-type"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocking_read_waits_its_wait_and_the_jitter_on_top_of_the_patience() {
        assert_eq!(patience(None), SERVER_PATIENCE);
        let wait = Duration::from_secs(160);
        assert_eq!(
            patience(Some(wait)),
            wait + Duration::from_secs(10) + SERVER_PATIENCE
        );
    }
}
