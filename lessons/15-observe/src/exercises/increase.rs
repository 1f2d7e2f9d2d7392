//! How much a counter rose, across a restart.
//!
//! A counter (`…_total`) only goes up — until its process restarts and it counts from 0
//! again. Prometheus stores the values a scrape saw; `increase()` and `rate()` turn them
//! into what happened in between, and must not read a restart as a huge drop.

// ANCHOR: increase
/// How much the counter whose values are `samples` (in the order they were scraped) rose
/// from the first sample to the last: the sum of its rises between neighbours, where a value
/// lower than the one before it is a reset — the process restarted and counted from 0 — so
/// that the rise across it is the new value itself. (PromQL's `increase()` is this, then
/// stretched to the edges of its window.)
///
/// `None` with fewer than two samples, or a sample that is negative or not a number: no
/// counter has those.
pub fn increase(samples: &[f64]) -> Option<f64> {
    // TODO: the rise of the doc comment, restarts included; `None` for what no counter
    // shows.
    todo!("observe.increase")
}
// ANCHOR_END: increase
