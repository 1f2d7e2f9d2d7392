//! The RED signals of a gRPC service — Rate, Errors, Duration — and the calls in flight,
//! measured around its handlers.
//!
//! A gRPC call is an HTTP/2 request to `/package.Service/Method`, and its outcome is the
//! `grpc-status` that ends it: in the trailers after the reply, or in the headers alone
//! when the call fails before any reply. So the layer reads the path when a call arrives
//! and the status when the reply's body ends; the call is counted and timed then, once its
//! last frame has left the handler. A call whose body is dropped before any status (the
//! client went away) counts as `Canceled`.
//!
//! Labels are bounded by what the service serves: a path to a gRPC service it does not
//! serve, or a method it does not have (answered `Unimplemented`), counts as `unknown`.

use std::collections::HashSet;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Bytes, HttpBody};
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};
use tonic::Code;
use tonic::body::Body;
use tonic::service::Routes;

use super::{LATENCY_BUCKETS, go_code_name};

/// What the label of a service or method the server does not have reads.
const UNKNOWN: &str = "unknown";

// ANCHOR: metrics
/// A service's gRPC metrics and the registry that holds them: a [`tower::Layer`] to put
/// around its handlers, and the routes that serve `/metrics`.
#[derive(Clone)]
pub struct GrpcMetrics {
    registry: Registry,
    /// `grpc_server_handled_total{grpc_service, grpc_method, grpc_code}`
    handled: IntCounterVec,
    /// `grpc_server_handling_seconds{grpc_service, grpc_method}`
    handling: HistogramVec,
    /// `grpc_server_requests_in_flight{grpc_service, grpc_method}`
    in_flight: IntGaugeVec,
    /// The gRPC services served (`hello.Greeter`, `grpc.health.v1.Health`): the only
    /// values the label `grpc_service` takes besides `unknown`.
    services: Arc<HashSet<String>>,
}

impl GrpcMetrics {
    /// Metrics for a server of `services`, in a registry of their own.
    pub fn new<'a>(services: impl IntoIterator<Item = &'a str>) -> prometheus::Result<Self> {
        let registry = Registry::new();
        let call = ["grpc_service", "grpc_method"];
        let handled = IntCounterVec::new(
            Opts::new(
                "grpc_server_handled_total",
                "gRPC calls completed on the server, by status",
            ),
            &["grpc_service", "grpc_method", "grpc_code"],
        )?;
        let handling = HistogramVec::new(
            HistogramOpts::new(
                "grpc_server_handling_seconds",
                "Time from a call's arrival to its status, in seconds",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &call,
        )?;
        let in_flight = IntGaugeVec::new(
            Opts::new(
                "grpc_server_requests_in_flight",
                "gRPC calls arrived and not yet completed",
            ),
            &call,
        )?;
        registry.register(Box::new(handled.clone()))?;
        registry.register(Box::new(handling.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        Ok(GrpcMetrics {
            registry,
            handled,
            handling,
            in_flight,
            services: Arc::new(services.into_iter().map(str::to_string).collect()),
        })
    }
    // ANCHOR_END: metrics

    /// The registry, for whatever else the service counts (its Redis calls, say).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// `routes` with `GET /metrics` beside the gRPC services. A scrape is HTTP/1.1: the
    /// server must accept it (`accept_http1`) on the port that serves gRPC.
    pub fn serve_metrics(&self, mut routes: Routes) -> Routes {
        let registry = self.registry.clone();
        let scrape = axum::routing::get(async move || super::exposition(&registry));
        let router = routes.axum_router_mut();
        *router = std::mem::take(router).route(super::PATH, scrape);
        routes
    }

    /// A call to `path` begins: its labels, in flight from now until the [`Call`] drops.
    fn begin(&self, path: &str) -> Call {
        let (service, method) = path
            .strip_prefix('/')
            .and_then(|path| path.split_once('/'))
            .filter(|(service, _)| self.services.contains(*service))
            .unwrap_or((UNKNOWN, UNKNOWN));
        let (service, method) = (service.to_string(), method.to_string());
        self.in_flight.with_label_values(&[&service, &method]).inc();
        Call {
            metrics: self.clone(),
            service,
            method,
            started: Instant::now(),
            code: None,
        }
    }
}

// ANCHOR: call
/// One call being measured. When it drops — its reply's last frame sent, or the call given
/// up — it is counted with its status and its time.
struct Call {
    metrics: GrpcMetrics,
    service: String,
    method: String,
    started: Instant,
    code: Option<Code>,
}

impl Call {
    /// Notes the status in `headers`, if they carry one.
    fn note(&mut self, headers: &http::HeaderMap) {
        if let Some(status) = headers.get("grpc-status") {
            let code = status
                .to_str()
                .ok()
                .and_then(|code| code.parse::<i32>().ok());
            self.code = Some(code.map(Code::from_i32).unwrap_or(Code::Unknown));
        }
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        let metrics = &self.metrics;
        let code = self.code.unwrap_or(Code::Cancelled);
        // A method the service lacks is not a method: it stays out of the labels.
        let method = match code {
            Code::Unimplemented => UNKNOWN,
            _ => &self.method,
        };
        let (service, seconds) = (&self.service, self.started.elapsed().as_secs_f64());
        let labels = [service.as_str(), method];
        metrics
            .handled
            .with_label_values(&[service, method, go_code_name(code)])
            .inc();
        metrics.handling.with_label_values(&labels).observe(seconds);
        let in_flight = [service.as_str(), self.method.as_str()];
        metrics.in_flight.with_label_values(&in_flight).dec();
    }
}
// ANCHOR_END: call

impl<S> tower::Layer<S> for GrpcMetrics {
    type Service = Measured<S>;

    fn layer(&self, inner: S) -> Measured<S> {
        Measured {
            inner,
            metrics: self.clone(),
        }
    }
}

/// A service's handlers, with each gRPC call measured (what [`GrpcMetrics`] makes).
#[derive(Clone)]
pub struct Measured<S> {
    inner: S,
    metrics: GrpcMetrics,
}

impl<S, RequestBody, ReplyBody> tower::Service<http::Request<RequestBody>> for Measured<S>
where
    S: tower::Service<http::Request<RequestBody>, Response = http::Response<ReplyBody>>,
    S::Future: Send + 'static,
    ReplyBody: HttpBody<Data = Bytes> + Send + 'static,
    ReplyBody::Error: Into<tonic::codegen::StdError>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<http::Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    // ANCHOR: measure
    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        let is_grpc = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .is_some_and(|kind| kind.as_bytes().starts_with(b"application/grpc"));
        if !is_grpc {
            // A scrape of /metrics, say: not a call to count.
            let answer = self.inner.call(request);
            return Box::pin(async move { Ok(answer.await?.map(Body::new)) });
        }
        let mut call = self.metrics.begin(request.uri().path());
        let answer = self.inner.call(request);
        Box::pin(async move {
            let reply = answer.await?;
            call.note(reply.headers());
            // The status comes in the trailers, the body's last frame; the call is over
            // when the body is dropped, with or without them.
            Ok(reply.map(|body| {
                Body::new(body.map_frame(move |frame| {
                    if let Some(trailers) = frame.trailers_ref() {
                        call.note(trailers);
                    }
                    frame
                }))
            }))
        })
    }
    // ANCHOR_END: measure
}
