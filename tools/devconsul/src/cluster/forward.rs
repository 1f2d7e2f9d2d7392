//! A client agent answers catalog, health and KV requests by asking the server.
//!
//! The catalog lives on the server, so a client passes such a request on as it came (the
//! method, the path with its query, the body, the headers that matter) and hands back the
//! server's answer, `X-Consul-Index` and all: a blocking query blocks on the server.
//! Consul's clients do the same over RPC.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

use super::Cluster;

/// Passes a request on to the server and returns its answer.
pub async fn forward(
    cluster: &Cluster,
    method: Method,
    path_and_query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let Some(server) = cluster.server() else {
        // Consul's words for a client that knows no server.
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "No known Consul servers".to_string(),
        );
    };
    // The HTTP client and the server are built on different versions of the `http`
    // crate, so method and headers cross over as text.
    let method =
        reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut request = cluster
        .http
        .request(method, format!("http://{server}{path_and_query}"))
        .body(body);
    for (name, value) in headers {
        if passed_on(name.as_str()) {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(error) => {
            return plain(
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
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad answer".into())),
        Err(error) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("rpc error: the server at {server} broke off its answer: {error}"),
        ),
    }
}

/// Consul's own headers (the index, the token) and the body's type.
fn passed_on(header: &str) -> bool {
    header.starts_with("x-consul-") || header == "content-type"
}

fn plain(status: StatusCode, message: String) -> Response {
    let mut response = Response::new(Body::from(message));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
