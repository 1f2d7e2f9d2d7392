//! What a running service shows of itself: how many calls, how many failed, how long they
//! took and how many are open now, in Prometheus' text format at `/metrics`.
//!
//! An operator does not read logs to learn that a service is failing. A Prometheus server
//! asks every service for its numbers every few seconds (a *scrape*), keeps them as time
//! series, and answers questions over them: the rate of errors, the 99th percentile of
//! latency. The numbers are kept here with the `prometheus` crate, one registry per service,
//! so that two services in one process (as in the tests) never mix their counts.
//!
//! - [`grpc`]: a layer around a service's handlers that counts every gRPC call by service,
//!   method and status, and times it — the names go-grpc-prometheus gives them, so that
//!   dashboards made for Go services read ours unchanged;
//! - [`http`]: the same for a web service's HTTP requests;
//! - [`redis`]: the captcha service's Redis commands, counted and timed;
//! - [`Bounded`]: a label's values kept to a set of known size.
//!
//! Prometheus' conventions, which every name here follows: a counter ends in `_total`, a
//! measure names its unit, in base units (`_seconds`, never milliseconds), and a label's
//! values come from a small set. A label set from what clients send (a path, an id) would
//! make a new time series for each new value, and Prometheus keeps every one.

pub mod grpc;
pub mod http;
pub mod redis;

use std::collections::HashSet;
use std::sync::Mutex;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use prometheus::{Encoder, TextEncoder};

/// Where a scrape finds the numbers, on a service and on the gateway alike.
pub const PATH: &str = "/metrics";

/// The variable an operator sets to `off` to run a service without its metrics: no layer
/// around its handlers and no `/metrics`. What they cost a call is measured this way
/// (appendix B, `tools/loadgen/bench-metrics.sh`).
pub const SWITCH: &str = "MICRO_METRICS";

/// Whether this process keeps metrics: [`SWITCH`] unset, `on`, or `off`; any other value
/// is refused, so that a typo does not turn them off unnoticed.
pub fn wanted() -> anyhow::Result<bool> {
    match std::env::var(SWITCH) {
        Err(std::env::VarError::NotPresent) => Ok(true),
        Ok(value) if value == "on" => Ok(true),
        Ok(value) if value == "off" => Ok(false),
        Ok(value) => anyhow::bail!("{SWITCH}={value:?}: expected on or off"),
        Err(std::env::VarError::NotUnicode(value)) => {
            anyhow::bail!("{SWITCH}={value:?}: expected on or off")
        }
    }
}

// ANCHOR: buckets
/// The upper bounds, in seconds, of the latency histograms' buckets. A call on one machine
/// takes a fraction of a millisecond and one across a slow link a second or more: the
/// bounds grow about 2.5 times each step, from half a millisecond to ten seconds, so that
/// any percentile is read from a bucket at most that much wider than the value.
pub const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
// ANCHOR_END: buckets

/// `registry`'s numbers in the text format, as a scrape expects them.
pub fn exposition(registry: &prometheus::Registry) -> Response {
    let encoder = TextEncoder::new();
    let mut body = Vec::new();
    match encoder.encode(&registry.gather(), &mut body) {
        Ok(()) => ([(CONTENT_TYPE, encoder.format_type())], body).into_response(),
        Err(error) => {
            let status = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            (status, format!("encoding the metrics: {error}")).into_response()
        }
    }
}

/// A request or call counted in flight from [`InFlight::enter`] until it drops, answered or
/// given up.
pub struct InFlight(prometheus::IntGauge);

impl InFlight {
    pub fn enter(gauge: &prometheus::IntGauge) -> InFlight {
        gauge.inc();
        InFlight(gauge.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// A label's values, bounded: the first `max` distinct values are kept as they are, and
/// any value after them is counted as [`Bounded::OTHER`].
#[derive(Debug)]
pub struct Bounded {
    seen: Mutex<HashSet<String>>,
    max: usize,
}

impl Bounded {
    /// What a value is counted as once the set is full.
    pub const OTHER: &'static str = "other";

    pub fn new(max: usize) -> Bounded {
        Bounded {
            seen: Mutex::default(),
            max,
        }
    }

    /// `value`, if it is one of the set or there is room for it; else [`Bounded::OTHER`].
    pub fn admit<'a>(&self, value: &'a str) -> &'a str {
        let mut seen = crate::locks::lock(&self.seen);
        if seen.contains(value) {
            return value;
        }
        if seen.len() < self.max {
            seen.insert(value.to_string());
            return value;
        }
        Bounded::OTHER
    }
}

/// A gRPC status code by the name Go gives it (`codes.Code.String()`): `OK`, `Canceled`,
/// `InvalidArgument`… The label `grpc_code` holds these, as go-grpc-prometheus writes it.
pub fn go_code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "Canceled",
        Unknown => "Unknown",
        InvalidArgument => "InvalidArgument",
        DeadlineExceeded => "DeadlineExceeded",
        NotFound => "NotFound",
        AlreadyExists => "AlreadyExists",
        PermissionDenied => "PermissionDenied",
        ResourceExhausted => "ResourceExhausted",
        FailedPrecondition => "FailedPrecondition",
        Aborted => "Aborted",
        OutOfRange => "OutOfRange",
        Unimplemented => "Unimplemented",
        Internal => "Internal",
        Unavailable => "Unavailable",
        DataLoss => "DataLoss",
        Unauthenticated => "Unauthenticated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_set_counts_new_values_as_other() {
        let methods = Bounded::new(2);
        assert_eq!(methods.admit("a"), "a");
        assert_eq!(methods.admit("b"), "b");
        assert_eq!(methods.admit("c"), Bounded::OTHER);
        assert_eq!(methods.admit("a"), "a", "a value already seen stays itself");
    }

    #[test]
    fn the_buckets_grow() {
        assert!(LATENCY_BUCKETS.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
