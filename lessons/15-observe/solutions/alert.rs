//! An alert that pages someone for a partition and lets a deploy go by.
//!
//! For a few seconds, a partition and a rolling deploy look alike on a graph: calls fail, a
//! target stops answering. A rule that fires on every such moment pages a person at each deploy, and a
//! person paged for nothing soon stops reading pages. The rule must tell a fault that goes
//! on from one that passes by itself.

use std::time::Duration;

use crate::rules::AlertRule;

// ANCHOR: alert
/// The rule that fires when the gateway's callers keep failing because the services are
/// cut off from it (a partition), at the latest two minutes after the partition begins, and
/// never through a rolling deploy.
///
/// What Prometheus scrapes, as the test's series (tests/alert.rs) have it:
/// - at the gateway (`job="micro-api"`), `micro_api_requests_total{service, method, code}`:
///   the requests it answered, by HTTP status;
/// - at each service instance (`job="micro"`), `grpc_server_handled_total{grpc_service,
///   grpc_method, grpc_code}`: the calls it answered, by gRPC status;
/// - for every target, `up`: 1 while it answers Prometheus' scrapes, 0 while it does not.
///
/// In the partition, every request through the gateway fails (504) from then on, and every
/// target still answers Prometheus. In the deploy, each instance of the service restarts in
/// turn (one takes 90 s to come back while the other serves alone), then the gateway does:
/// ten seconds of 503s at a time, targets down, counters starting again from 0. All along,
/// in both, one client keeps sending requests that the service refuses (400).
pub fn partition_alert() -> AlertRule {
    // What the callers see, at the gateway: the services are out of its sight in a
    // partition, and a target that stops answering Prometheus is no caller failing. Of
    // those answers, the server side's failures (5xx) only: a client's own mistakes (4xx)
    // are no outage. A rate reads across a restart's reset.
    let failing = r#"sum by (service) (rate(micro_api_requests_total{code=~"5.."}[1m]))"#;
    let answered = "sum by (service) (rate(micro_api_requests_total[1m]))";
    AlertRule {
        name: "CallsFailing".to_string(),
        // Most calls failing, not a few of them.
        expr: format!("{failing} / {answered} > 0.5"),
        // Longer than a restart's blip stays in the window, short enough to page in time.
        hold: Duration::from_secs(60),
    }
}
// ANCHOR_END: alert
