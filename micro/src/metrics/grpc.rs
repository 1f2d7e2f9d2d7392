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
//!
//! A label lookup hashes the label values and takes a lock, and a call would need three.
//! So each method's series are looked up once, the first time the method answers, and kept
//! by its path: every later call finds them in one lookup and counts itself with atomic
//! adds. Kept only once answered, so that the paths clients make up are never kept.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock, RwLock};
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::{Bytes, HttpBody};
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use prometheus::{Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge};
use prometheus::{IntGaugeVec, Opts, Registry};
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
    /// Each method's series, by its path (`/hello.Greeter/SayHello`), once it has answered.
    methods: Arc<RwLock<HashMap<String, Arc<Series>>>>,
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
            methods: Arc::default(),
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

    /// A call to `path` begins: in flight from now until the [`Call`] drops, on its
    /// method's series if the method has answered before, else under method `unknown`.
    fn begin(&self, path: &str) -> Call {
        let series = crate::locks::read(&self.methods).get(path).cloned();
        let series = series.ok_or_else(|| Unseen {
            metrics: self.clone(),
            path: path.to_string(),
        });
        let in_flight = match &series {
            Ok(series) => series.in_flight.clone(),
            Err(_) => {
                let (service, _) = self.labels(path);
                self.in_flight.with_label_values(&[service, UNKNOWN])
            }
        };
        in_flight.inc();
        Call {
            series,
            in_flight,
            started: Instant::now(),
            code: None,
        }
    }

    /// The labels `grpc_service` and `grpc_method` of a call to `path`, if the service is
    /// one of this server's.
    fn labels<'a>(&self, path: &'a str) -> (&'a str, &'a str) {
        path.strip_prefix('/')
            .and_then(|path| path.split_once('/'))
            .filter(|(service, _)| self.services.contains(*service))
            .unwrap_or((UNKNOWN, UNKNOWN))
    }

    /// The series of the method at `path`, made and kept for the calls after this one.
    fn keep(&self, path: &str, service: &str, method: &str) -> Arc<Series> {
        let mut methods = crate::locks::write(&self.methods);
        let made = || Arc::new(Series::new(self, service, method));
        methods.entry(path.to_string()).or_insert_with(made).clone()
    }
}

// ANCHOR: call
/// One call being measured. When it drops — its reply's last frame sent, or the call given
/// up — it is counted with its status and its time.
struct Call {
    /// Its method's series, or, for a method that has not answered before, what makes them.
    series: Result<Arc<Series>, Unseen>,
    in_flight: IntGauge,
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
        self.in_flight.dec();
        let made;
        let series = match &self.series {
            Ok(series) => series,
            Err(unseen) => {
                made = unseen.series(self.code);
                &made
            }
        };
        let code = self.code.unwrap_or(Code::Cancelled);
        series
            .handling
            .observe(self.started.elapsed().as_secs_f64());
        series.handled(code).inc();
    }
}

/// A call to a method that has not answered before: its path, to find its labels by.
struct Unseen {
    metrics: GrpcMetrics,
    path: String,
}

impl Unseen {
    /// The series to count the call on, once it ended with `code`. Only an answer proves
    /// that a method exists: a call answered `Unimplemented`, or given up before any
    /// status, counts under method `unknown`, and no name a client made up is a label.
    fn series(&self, code: Option<Code>) -> Arc<Series> {
        let metrics = &self.metrics;
        let (service, method) = metrics.labels(&self.path);
        match code {
            Some(code) if code != Code::Unimplemented && service != UNKNOWN => {
                metrics.keep(&self.path, service, method)
            }
            _ => Arc::new(Series::new(metrics, service, UNKNOWN)),
        }
    }
}
// ANCHOR_END: call

/// One method's series, looked up once: a call counts itself on them with atomic adds.
struct Series {
    in_flight: IntGauge,
    handling: Histogram,
    /// By status (`Code as usize`), each looked up at the first call that ends with it.
    handled: [OnceLock<IntCounter>; 17],
    handled_by_code: IntCounterVec,
    service: String,
    method: String,
}

impl Series {
    fn new(metrics: &GrpcMetrics, service: &str, method: &str) -> Series {
        let labels = [service, method];
        Series {
            in_flight: metrics.in_flight.with_label_values(&labels),
            handling: metrics.handling.with_label_values(&labels),
            handled: Default::default(),
            handled_by_code: metrics.handled.clone(),
            service: service.to_string(),
            method: method.to_string(),
        }
    }

    fn handled(&self, code: Code) -> &IntCounter {
        self.handled[code as usize].get_or_init(|| {
            let labels = [&self.service, &self.method, go_code_name(code)];
            self.handled_by_code.with_label_values(&labels)
        })
    }
}

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
