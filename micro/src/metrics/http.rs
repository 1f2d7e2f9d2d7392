//! The RED signals of a web service (`crate::web`): every HTTP request counted by method,
//! route and status, timed, and the requests in flight.
//!
//! The names are those of an HTTP server in Prometheus' and OpenTelemetry's habits
//! (`http_server_…`), and the labels stay bounded whatever clients send: a route is the
//! pattern the router matched (`/example/call`, `/users/{id}`), never the path, so that a
//! request no route takes counts as route `unknown`; and a method outside HTTP's own
//! (`GET`, `POST`…) counts as `other`.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};

use super::{InFlight, LATENCY_BUCKETS};

/// A web service's metrics and the registry that holds them.
pub struct HttpMetrics {
    registry: Registry,
    /// `http_server_requests_total{method, route, code}`
    requests: IntCounterVec,
    /// `http_server_request_duration_seconds{method, route}`
    duration: HistogramVec,
    /// `http_server_requests_in_flight`
    in_flight: IntGauge,
}

impl HttpMetrics {
    /// A web service's metrics, in a registry of their own.
    pub fn new() -> prometheus::Result<HttpMetrics> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "http_server_requests_total",
                "HTTP requests answered, by method, route and status",
            ),
            &["method", "route", "code"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_server_request_duration_seconds",
                "Time from a request's arrival to its answer, in seconds",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )?;
        let in_flight = IntGauge::new(
            "http_server_requests_in_flight",
            "HTTP requests arrived and not yet answered",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        Ok(HttpMetrics {
            registry,
            requests,
            duration,
            in_flight,
        })
    }

    /// The registry, for whatever else the service counts.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// `router` with each of its requests measured, and `GET /metrics` answered.
    pub fn around(self: Arc<Self>, router: Router) -> Router {
        router.layer(axum::middleware::from_fn_with_state(self, measure))
    }
}

// ANCHOR: measure
/// Counts and times each request by the route that took it and its answer. A scrape is
/// answered here, before any route: a route of the service's own at `/metrics` can neither
/// hide it nor clash with it, and scrapes are not counted among the requests.
async fn measure(
    State(metrics): State<Arc<HttpMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let scrape = request.uri().path() == super::PATH;
    if scrape && [Method::GET, Method::HEAD].contains(request.method()) {
        return super::exposition(&metrics.registry);
    }
    let _in_flight = InFlight::enter(&metrics.in_flight);
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unknown", MatchedPath::as_str)
        .to_string();
    let response = next.run(request).await.into_response();
    let code = response.status();
    metrics
        .requests
        .with_label_values(&[method, &route, code.as_str()])
        .inc();
    let seconds = started.elapsed().as_secs_f64();
    metrics
        .duration
        .with_label_values(&[method, &route])
        .observe(seconds);
    response
}
// ANCHOR_END: measure

/// A method as a label: HTTP's own by name, any other as `other`.
fn method_label(method: &Method) -> &'static str {
    static KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or("other", Method::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_method_no_one_knows_is_other() {
        assert_eq!(method_label(&Method::POST), "POST");
        let made_up = Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&made_up), "other");
    }
}
