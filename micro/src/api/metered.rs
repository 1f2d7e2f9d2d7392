//! The gateway's own signals: every request counted by service, method and HTTP status,
//! timed, and the requests in flight.
//!
//! The gateway sees every failure a client sees, whatever its cause — a service down, a
//! registry partitioned away, a deadline passed — so its numbers are the ones an operator
//! reads first. They are kept beside the services' own (`crate::metrics`), named for the
//! gateway (`micro_api_…`) and served at its `/metrics`.
//!
//! Its labels come from the path, which anyone can write: a request the gateway answers
//! 404 (no such service or method) is counted as service `unknown`, and past
//! [`MAX_ROUTES`] pairs of service and method, a new pair counts as `other`.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::StatusCode;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};

use super::route::route;
use crate::metrics::{Bounded, InFlight, LATENCY_BUCKETS};

/// The most pairs of service and method the labels tell apart.
pub const MAX_ROUTES: usize = 256;

/// The gateway's metrics and the registry that holds them.
pub struct ApiMetrics {
    pub registry: Registry,
    /// `micro_api_requests_total{service, method, code}`
    requests: IntCounterVec,
    /// `micro_api_request_duration_seconds{service, method}`
    duration: HistogramVec,
    /// `micro_api_requests_in_flight`
    in_flight: IntGauge,
    routes: Bounded,
    namespace: String,
}

impl ApiMetrics {
    /// The gateway's metrics; `namespace` is put before a path's service name, as the
    /// gateway does when it looks the service up.
    pub fn new(namespace: &str) -> prometheus::Result<ApiMetrics> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "micro_api_requests_total",
                "Requests answered by the gateway, by service, method and HTTP status",
            ),
            &["service", "method", "code"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "micro_api_request_duration_seconds",
                "Time from a request's arrival to its answer, in seconds",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["service", "method"],
        )?;
        let in_flight = IntGauge::new(
            "micro_api_requests_in_flight",
            "Requests arrived at the gateway and not yet answered",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        Ok(ApiMetrics {
            registry,
            requests,
            duration,
            in_flight,
            routes: Bounded::new(MAX_ROUTES),
            namespace: namespace.to_string(),
        })
    }

    /// The labels `service` and `method` of a request to `path` answered `status`.
    fn labels(&self, path: &str, status: StatusCode) -> (String, String) {
        let unknown = || ("unknown".to_string(), "unknown".to_string());
        let Some(route) = route(path).filter(|_| status != StatusCode::NOT_FOUND) else {
            return unknown();
        };
        let service = match self.namespace.as_str() {
            "" => route.service,
            namespace => format!("{namespace}.{}", route.service),
        };
        // Names hold no space: a pair is told apart by one.
        match self.routes.admit(&format!("{service} {}", route.method)) {
            Bounded::OTHER => (Bounded::OTHER.to_string(), Bounded::OTHER.to_string()),
            _ => (service, route.method),
        }
    }
}

// ANCHOR: measure
/// Middleware around the gateway's calls: counts and times each request by its answer.
pub async fn measure(
    State(metrics): State<Arc<ApiMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let _in_flight = InFlight::enter(&metrics.in_flight);
    let started = Instant::now();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let (service, method) = metrics.labels(&path, status);
    metrics
        .requests
        .with_label_values(&[&service, &method, status.as_str()])
        .inc();
    let seconds = started.elapsed().as_secs_f64();
    let duration = metrics.duration.with_label_values(&[&service, &method]);
    duration.observe(seconds);
    response
}
// ANCHOR_END: measure

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_anyone_writes_is_not_a_label() {
        let metrics = ApiMetrics::new("").unwrap();
        let labels = metrics.labels("/greeter/say-hello", StatusCode::OK);
        assert_eq!(labels, ("greeter".into(), "Greeter.SayHello".into()));
        let labels = metrics.labels("/no-such/thing", StatusCode::NOT_FOUND);
        assert_eq!(labels, ("unknown".into(), "unknown".into()));
        for n in 0..MAX_ROUTES {
            metrics.labels(&format!("/s{n}/m"), StatusCode::SERVICE_UNAVAILABLE);
        }
        let labels = metrics.labels("/one-more/m", StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(labels, ("other".into(), "other".into()));
    }
}
