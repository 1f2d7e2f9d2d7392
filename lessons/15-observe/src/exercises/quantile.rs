//! A percentile read from a histogram, as Prometheus reads it.
//!
//! A service does not keep every latency: it counts them into buckets, each the number of
//! observations at most so many seconds (`grpc_server_handling_seconds_bucket{le="0.005"}`).
//! Any percentile is then estimated from the counts alone, by PromQL's
//! `histogram_quantile` — and only as well as the buckets' bounds allow.

// ANCHOR: bucket
/// One bucket of a histogram: how many observations were at most `le` seconds. Counts are
/// cumulative (each bucket counts those of the buckets before it), and the last bucket's
/// bound is `f64::INFINITY` (`le="+Inf"`): it counts every observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub le: f64,
    pub count: u64,
}
// ANCHOR_END: bucket

/// The `q`-quantile (`0.99` for the p99) of the observations counted in `buckets`, as
/// `histogram_quantile` estimates it: the bucket where the observation of rank `q · total`
/// falls, and within it a straight line from its lower bound (the bound of the bucket
/// before it, or 0 for the first) to its upper bound. A rank that falls in the `+Inf`
/// bucket answers the highest finite bound.
///
/// `None` when there is nothing to read: no observation, `q` outside 0..=1, buckets not
/// in increasing order of `le`, counts that go down, or a last bucket that is not `+Inf`.
pub fn quantile(buckets: &[Bucket], q: f64) -> Option<f64> {
    // TODO: the estimate of the doc comment, or `None` for what is no histogram.
    todo!("observe.quantile")
}
