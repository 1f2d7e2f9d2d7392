//! The HTTP API: one axum handler that routes `/v1/...` paths the way Consul's Go mux
//! does, plus the status page under `/ui/`.
//!
//! Routing is a plain table (`route`) rather than axum's router because Consul's
//! answers for the edges are part of the contract: `405` with an `Allow` header that
//! includes `OPTIONS`, `OPTIONS` itself, `404` for unknown API paths and `501` for real
//! Consul endpoints this agent does not implement.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::net::TcpListener;

use crate::filter::Filter;
use crate::shared::Shared;

mod agent;
mod blocking;
mod catalog;
mod kv;
mod query;
mod routes;
mod ui;

pub use query::Query;
use routes::{Route, allow_header, allowed, route};

/// The largest request body outside the KV store.
const MAX_BODY: usize = 1 << 20;

/// The largest KV value, as in Consul.
pub const MAX_KV_VALUE: usize = 512 * 1024;

/// Serves until the agent is asked to stop, then drains open requests.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let app = axum::Router::new()
        .fallback(dispatch)
        .with_state(Arc::clone(&shared));
    let stopping = async move { shared.stopping().await };
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(stopping)
        .await
    {
        tracing::error!(target: "agent.http", %error, "HTTP server failed");
    }
}

/// One request, parsed far enough for any handler.
pub struct Call {
    pub shared: Arc<Shared>,
    pub method: Method,
    pub query: Query,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// An error answer: a status code and Consul's plain-text message.
#[derive(Debug)]
pub struct HttpError {
    pub status: StatusCode,
    pub message: String,
}

impl HttpError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> HttpError {
        HttpError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::NOT_FOUND, message)
    }

    pub fn internal(message: impl Into<String>) -> HttpError {
        HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

pub type Answer = Result<Response, HttpError>;

/// The one handler behind every path: answers, then logs the request.
async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let started = std::time::Instant::now();
    let response = answer(shared, request).await;
    tracing::debug!(target: "agent.http", %method, url = %uri, status = response.status().as_u16(),
        latency = ?started.elapsed(), "Request finished");
    response
}

/// Routes one request and answers it.
async fn answer(shared: Arc<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = query::percent_decode(parts.uri.path());
    let query = Query::parse(parts.uri.query().unwrap_or(""));

    if !path.starts_with("/v1/") {
        return ui::page(&shared, &path, &query).await;
    }
    let Some(route) = route(&path) else {
        return text(
            StatusCode::NOT_FOUND,
            "Invalid URL path: not a recognized HTTP API endpoint",
        );
    };
    if parts.method == Method::OPTIONS {
        return [(ALLOW, allow_header(&route))].into_response();
    }
    if !allowed(&route).contains(&parts.method) {
        let allow = [(ALLOW, allow_header(&route))];
        let message = format!("method {} not allowed", parts.method);
        return (StatusCode::METHOD_NOT_ALLOWED, allow, message).into_response();
    }
    if let Route::NotImplemented(endpoint) = route {
        return text(
            StatusCode::NOT_IMPLEMENTED,
            format!(
                "{endpoint} is not implemented by the workbook's development agent; run a real Consul agent (set CONSUL_HTTP_ADDR) to use it"
            ),
        );
    }
    let limit = if matches!(route, Route::Kv(_)) {
        MAX_KV_VALUE
    } else {
        MAX_BODY
    };
    let body = match read_body(&parts.headers, body, limit).await {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    if route.reads_the_servers_catalog()
        && let Some(cluster) = shared.cluster().filter(|_| shared.is_client())
    {
        let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let blocking_wait = match query.blocking() {
            Ok((index, wait)) if index > 0 => Some(wait),
            _ => None,
        };
        return crate::cluster::forward::forward(
            &cluster,
            parts.method,
            path_and_query,
            &parts.headers,
            body,
            crate::cluster::forward::patience(blocking_wait),
        )
        .await;
    }
    // What a client would forward, except the status reads and KV writes.
    let reads_catalog = route.reads_the_servers_catalog()
        && !matches!(route, Route::StatusLeader | Route::StatusPeers)
        && parts.method == Method::GET;
    let call = Call {
        shared,
        method: parts.method,
        query,
        headers: parts.headers,
        body,
    };
    // A bug in one handler must cost one 500, not the connection.
    let answer = AssertUnwindSafe(handle(&call, route)).catch_unwind().await.unwrap_or_else(|panic| {
        let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        tracing::error!(target: "agent.http", panic = what.as_deref().unwrap_or("?"), "handler panicked");
        Err(HttpError::internal("internal error"))
    });
    let response = answer.unwrap_or_else(HttpError::into_response);
    // Catalog, health and KV reads carry the index headers even when they fail.
    if reads_catalog && !response.headers().contains_key("X-Consul-Index") {
        let index = call.shared.store().index();
        return with_index(response, index);
    }
    response
}

async fn handle(call: &Call, route: Route) -> Answer {
    use Route::*;
    match route {
        AgentSelf => agent::self_(call),
        AgentMembers => agent::members(call),
        AgentJoin(address) => agent::join(call, &address).await,
        AgentForceLeave(node) => agent::force_leave(call, &node).await,
        NodeSync => agent::node_sync(call),
        AgentReload => agent::reload(call),
        AgentLeave => agent::leave(call).await,
        AgentMaintenance => agent::node_maintenance(call),
        AgentServices => agent::services(call),
        AgentServiceRegister => agent::register_service(call),
        AgentServiceDeregister(id) => agent::deregister_service(call, &id),
        AgentServiceMaintenance(id) => agent::service_maintenance(call, &id),
        AgentService(id) => agent::service(call, &id).await,
        AgentChecks => agent::checks(call),
        AgentCheckRegister => agent::register_check(call),
        AgentCheckDeregister(id) => agent::deregister_check(call, &id),
        AgentCheckTtl(status, id) => agent::ttl(call, &id, status),
        AgentCheckUpdate(id) => agent::update(call, &id),
        AgentHealthByName(name) => agent::health_by_name(call, &name),
        AgentHealthById(id) => agent::health_by_id(call, &id),
        CatalogServices => catalog::services(call).await,
        CatalogService(name) => catalog::service(call, &name).await,
        CatalogNodes => catalog::nodes(call).await,
        CatalogDatacenters => catalog::datacenters(call),
        CatalogNodeServices(node) => catalog::node_services(call, &node, true).await,
        CatalogNode(node) => catalog::node_services(call, &node, false).await,
        HealthService(name) => catalog::health_service(call, &name).await,
        HealthChecks(name) => catalog::health_checks(call, &name).await,
        HealthState(state) => catalog::health_state(call, &state).await,
        HealthNode(node) => catalog::health_node(call, &node).await,
        Kv(key) => kv::handle(call, &key).await,
        StatusLeader => Ok(json(call, StatusCode::OK, &Value::String(leader(call)))),
        StatusPeers => Ok(json(call, StatusCode::OK, &Value::from(vec![leader(call)]))),
        NotImplemented(_) => unreachable!("answered in dispatch"),
    }
}

/// The server RPC address Consul reports as leader and only peer.
pub(super) fn leader(call: &Call) -> String {
    let port = call
        .shared
        .config
        .cluster
        .as_ref()
        .map_or(crate::cluster::SERVER_PORT, |c| c.server_port);
    format!("{}:{port}", call.shared.node_address())
}

/// Parses `?filter=` against the selectors an endpoint offers. A bad filter is answered
/// with `status`: Consul says 500 on agent endpoints and 400 on catalog and health reads.
pub fn parse_filter(
    call: &Call,
    selectors: &[&str],
    status: StatusCode,
) -> Result<Option<Filter>, HttpError> {
    match call.query.get("filter") {
        None | Some("") => Ok(None),
        Some(text) => Filter::parse(text, selectors).map(Some).map_err(|e| {
            HttpError::new(
                status,
                format!("Failed to create boolean expression evaluator: {e}"),
            )
        }),
    }
}

/// Whether a view passes the request's filter, if it has one.
pub fn keep(filter: &Option<Filter>, view: &Value) -> bool {
    filter.as_ref().is_none_or(|f| f.matches(view))
}

/// Reads the body, refusing more than `limit` bytes with 413.
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, HttpError> {
    let too_large = || {
        HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body too large, max size: {limit} bytes"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())
}

impl HttpError {
    pub fn into_response(self) -> Response {
        text(self.status, self.message)
    }
}

/// A plain-text answer, as Consul sends errors (axum types a `String` body
/// `text/plain; charset=utf-8`).
pub fn text(status: StatusCode, message: impl Into<String>) -> Response {
    (status, message.into()).into_response()
}

/// `200` with no body and no content type: what Consul's writes answer.
pub fn empty() -> Response {
    Response::new(Body::empty())
}

/// A JSON answer; indented when the request asked for `?pretty`.
pub fn json(call: &Call, status: StatusCode, value: &Value) -> Response {
    let body = if call.query.has("pretty") {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
        serde::Serialize::serialize(value, &mut serializer)
            .expect("a JSON value always serialises");
        out.push(b'\n');
        out
    } else {
        serde_json::to_vec(value).expect("a JSON value always serialises")
    };
    (status, [(CONTENT_TYPE, "application/json")], body).into_response()
}

/// Adds the headers every catalog, health and KV read carries (`CONTRACT.md` §0.4 Consistency/metadata headers).
pub fn with_index(mut response: Response, index: u64) -> Response {
    let headers = response.headers_mut();
    headers.insert("X-Consul-Index", HeaderValue::from(index.max(1)));
    headers.insert("X-Consul-KnownLeader", HeaderValue::from_static("true"));
    headers.insert("X-Consul-LastContact", HeaderValue::from_static("0"));
    headers.insert(
        "X-Consul-Effective-Consistency",
        HeaderValue::from_static("leader"),
    );
    response
}

/// A redirect (for `/` → `/ui/`).
pub fn redirect(location: &str) -> Response {
    (StatusCode::MOVED_PERMANENTLY, [(LOCATION, location)]).into_response()
}

#[cfg(test)]
mod tests;
