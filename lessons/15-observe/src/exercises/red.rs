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

use prometheus::Registry;
use tonic::Status;

// ANCHOR: red
/// The RED metrics of one service's handlers.
#[derive(Clone)]
pub struct Red {
    // TODO: what `new` registers, kept to count with.
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
        // TODO: make both metrics, with their help texts, and register them.
        todo!("observe.red")
    }

    /// Runs `handler`, the work of one call to `method` (`Greeter.SayHello`), and answers
    /// what it answers, once the call is counted and timed. A call whose future is dropped
    /// before it ends counts as `Canceled`, with the time it ran.
    pub async fn measure<T>(
        &self,
        method: &'static str,
        handler: impl Future<Output = Result<T, Status>>,
    ) -> Result<T, Status> {
        // TODO: count and time the call however it ends, dropped included.
        todo!("observe.red")
    }
}
// ANCHOR_END: red
