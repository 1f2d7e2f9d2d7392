//! RED metrics for a service's handlers: the Rate of calls, how many were Errors, and their
//! Duration — the three numbers every request-serving thing is read by.
//!
//! go-micro puts them around every handler with a handler wrapper
//! (`micro.WrapHandler(prometheus.NewHandlerWrapper())`): a function that runs the handler
//! and counts what it answered. This is that wrapper for a tonic handler's work: a future
//! that ends in a reply or a `Status`. One Rust twist: a handler may never end. When its
//! client goes away or its deadline passes, tonic drops the handler's future where it
//! stands, and no line after its last `.await` runs; the call must be counted anyway.

use std::future::Future;

use micro::metrics::LATENCY_BUCKETS;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use tonic::Status;

// ANCHOR: red
/// The RED metrics of one service's handlers.
#[derive(Clone)]
pub struct Red {
    /// `micro_request_total{method, status}`: rate, and errors by their status.
    calls: IntCounterVec,
    /// `micro_request_duration_seconds{method}`: duration.
    seconds: HistogramVec,
}

impl Red {
    /// Registers the handlers' metrics in `registry`:
    /// - `micro_request_total{method, status}`: a counter of the calls handled, by method
    ///   and by the gRPC status they ended with, named as Go names it (`OK`,
    ///   `InvalidArgument`, `Canceled`…: `micro::metrics::go_code_name`) — go-micro's
    ///   wrapper's counter, whose `status` says only `success` or `fail`;
    /// - `micro_request_duration_seconds{method}`: a histogram of how long they took, in
    ///   seconds, with the framework's buckets (`micro::metrics::LATENCY_BUCKETS`).
    pub fn new(registry: &Registry) -> prometheus::Result<Red> {
        let calls = IntCounterVec::new(
            Opts::new("micro_request_total", "Calls handled, by method and status"),
            &["method", "status"],
        )?;
        let how_long = HistogramOpts::new(
            "micro_request_duration_seconds",
            "How long handlers took, by method, in seconds",
        );
        let seconds = HistogramVec::new(how_long.buckets(LATENCY_BUCKETS.into()), &["method"])?;
        registry.register(Box::new(calls.clone()))?;
        registry.register(Box::new(seconds.clone()))?;
        Ok(Red { calls, seconds })
    }

    /// Runs `handler`, the work of one call to `method` (`Greeter.SayHello`), and answers
    /// what it answers, once the call is counted and timed. A call whose future is dropped
    /// before it ends counts as `Canceled`, with the time it ran.
    pub async fn measure<T>(
        &self,
        method: &'static str,
        handler: impl Future<Output = Result<T, Status>>,
    ) -> Result<T, Status> {
        // TODO: count the call in `calls` and time it in `seconds` however it ends, dropped
        // included: the handler's answer is yours to hand back unchanged.
        todo!("observe.red")
    }
}
// ANCHOR_END: red
