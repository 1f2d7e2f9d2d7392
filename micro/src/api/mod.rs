//! `micro api`: one HTTP entry to every service in the registry.
//!
//! The seed course ends with go-micro's `micro api` in front of a user service:
//! `curl "http://localhost:8080/user/say/hello?name=huohuo"` calls `Say.Hello` on a node
//! of service `user` and answers its reply as JSON. Nothing in the gateway knows that
//! service: the path names it and its method ([`route`]), the registry says where its nodes
//! are, and the service itself, through gRPC server reflection, says what its messages
//! look like ([`reflect`]). JSON becomes protobuf and back with `prost-reflect` ([`json`]).
//!
//! - [`gateway`]: what the gateway keeps — watches, schemas, connections — and the call;
//! - [`error`]: every failure as a JSON gRPC status with a fitting HTTP status;
//! - [`metered`]: its requests counted and timed, at `/metrics`;
//! - [`sd`]: the registry's services as Prometheus' HTTP service discovery.
//!
//! [`route`]: crate::api::route::route

pub mod error;
pub mod gateway;
pub mod json;
pub mod metered;
pub mod reflect;
// The exercise `micro.api-route` rebuilds this module, and is answered by it (`--features solution`).
pub mod route;
pub mod sd;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::response::{IntoResponse, Json, Response};
use serde_json::Value;
use tokio::net::TcpListener;
use tonic::{Code, Status};

use crate::api::route::route;
use crate::client::wire::{self, Verdict};
use error::ApiError;
use gateway::Gateway;

/// The largest body a request may have: a request message is a few fields, not a file.
pub const MAX_BODY: usize = 64 * 1024;

/// How long a request may take, the service's answer included, unless told otherwise.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);

/// How long requests in flight may take to finish once the gateway is told to stop.
const GRACE: Duration = Duration::from_secs(5);

/// What the gateway is given: where services are, how it tries its calls (the deadline
/// among them), and go-micro's namespace.
#[derive(Default)]
pub struct Options {
    /// Put before the service's name with a `.`: with `go.micro.srv`, `/user/say/hello`
    /// calls service `go.micro.srv.user`. Empty: the name as the path gives it.
    pub namespace: String,
    pub policy: crate::client::tries::Policy,
    /// Call the services over mutual TLS with these ([`crate::tls`]); plaintext without.
    pub tls: Option<crate::tls::Credentials>,
}

// ANCHOR: serve
/// Serves the gateway on `listener` until `shutdown`; requests in flight then get
/// [`GRACE`] to finish.
pub async fn serve(
    listener: TcpListener,
    registry: Arc<dyn crate::registry::Registry>,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics = Arc::new(metered::ApiMetrics::new(&options.namespace)?);
    let api = Arc::new(Api {
        gateway: Arc::new(Gateway::new(registry.clone(), options.policy).tls(options.tls)),
        namespace: options.namespace,
    });
    let retries = prometheus::IntCounter::new(
        "micro_api_retries_total",
        "Tries sent beyond a call's first (retries and hedges), paid from the retry budget",
    )?;
    metrics.registry.register(Box::new(retries.clone()))?;
    let refused = prometheus::IntCounter::new(
        "micro_api_retry_budget_exhausted_total",
        "Retries and hedges a call wanted and the retry budget refused, being spent",
    )?;
    metrics.registry.register(Box::new(refused.clone()))?;
    let router = Router::new()
        .fallback(answer)
        .layer(axum::middleware::from_fn_with_state(
            metrics.clone(),
            metered::measure,
        ))
        .layer(axum::middleware::from_fn(crate::trace::http::traced))
        .with_state(api.clone())
        .merge(observe(metrics, registry, api, [retries, refused]));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopping.wait_for(|stopped| *stopped).await;
    };
    let server = axum::serve(listener, router)
        .with_graceful_shutdown(stopped(stopping.clone()))
        .into_future();
    if let Some(served) = shared::signal::within_grace(GRACE, stopped(stopping), server).await {
        served?;
    }
    tracing::info!("stopped");
    Ok(())
}
// ANCHOR_END: serve

/// What the gateway serves of its own, beside the services (a service named `metrics` is
/// out of reach through it): its metrics at `/metrics`, and the registry's services as
/// Prometheus' HTTP service discovery at [`sd::TARGETS_PATH`].
fn observe(
    metrics: Arc<metered::ApiMetrics>,
    registry: Arc<dyn crate::registry::Registry>,
    api: Arc<Api>,
    [retries, refused]: [prometheus::IntCounter; 2],
) -> Router {
    let scrape = async move || {
        // The budget counts; the counters catch up with it when they are read.
        retries.inc_by(api.gateway.retries().saturating_sub(retries.get()));
        refused.inc_by(api.gateway.retries_refused().saturating_sub(refused.get()));
        crate::metrics::exposition(&metrics.registry)
    };
    let targets = async move || sd::targets(registry.as_ref()).await.map(Json);
    Router::new()
        .route(crate::metrics::PATH, axum::routing::get(scrape))
        .route(sd::TARGETS_PATH, axum::routing::get(targets))
}

struct Api {
    gateway: Arc<Gateway>,
    namespace: String,
}

// ANCHOR: answer
/// Every request: its path says which service and method, its body (or, with none, its
/// query string) is the request message, and the reply comes back as JSON — all within
/// the deadline.
///
/// One deadline: the gateway's timer, and the call's own gRPC deadline (the same instant),
/// whichever sees it pass first, answer the same: 504 `DeadlineExceeded`, the call may have
/// run. If the timer finds that no call had been sent yet (the service's schema was still
/// being learnt), the call never ran, and that is the 503 of any call that never ran.
async fn answer(State(api): State<Arc<Api>>, request: Request) -> Response {
    let within = api.gateway.deadline();
    let deadline = tokio::time::Instant::now() + within;
    let sent = AtomicBool::new(false);
    match tokio::time::timeout_at(deadline, handle(&api, request, deadline, &sent)).await {
        Ok(Ok(reply)) => Json(reply).into_response(),
        Ok(Err(error)) => error.into_response(),
        Err(_) => {
            let status = Status::deadline_exceeded(format!("no answer within {within:?}"));
            let verdict = match sent.load(Ordering::SeqCst) {
                true => Verdict::MayHaveRun,
                false => Verdict::NotRun,
            };
            ApiError::from(wire::mark(status, verdict, false)).into_response()
        }
    }
}

/// The request's answer; `sent` is set as the call leaves for the service.
async fn handle(
    api: &Api,
    request: Request,
    deadline: tokio::time::Instant,
    sent: &AtomicBool,
) -> Result<Value, ApiError> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let route = route(path)
        .ok_or_else(|| ApiError::new(Code::NotFound, format!("no service in the path {path:?}")))?;
    let service = match api.namespace.as_str() {
        "" => route.service,
        namespace => format!("{namespace}.{}", route.service),
    };
    let gateway = &api.gateway;
    let nodes = gateway.nodes(&service).await?;
    let method = gateway.method(&service, &nodes, &route.method).await?;
    let body = read_body(body).await?;
    let message = if body.is_empty() {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|error| ApiError::new(Code::InvalidArgument, error.body_text()))?;
        json::from_query(&method.input(), pairs)?
    } else {
        json::from_json(&method.input(), &body)?
    };
    sent.store(true, Ordering::SeqCst);
    let reply = gateway
        .call(&service, &nodes, &method, message, deadline)
        .await?;
    Ok(json::to_json(&reply))
}
// ANCHOR_END: answer

/// The body, if it is at most [`MAX_BODY`] bytes; 413 as soon as it is known to be more.
async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|error| {
        let over = std::error::Error::source(&error)
            .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        if over {
            ApiError::too_large(MAX_BODY)
        } else {
            ApiError::new(Code::InvalidArgument, format!("reading the body: {error}"))
        }
    })
}
