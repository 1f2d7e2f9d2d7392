//! The retry budget: how many tries beyond the first a client may send.
//!
//! A retry is a bet that another node will answer where the first did not. When one node is
//! slow or gone, the bet pays. When every node is slow — overloaded, or the caller's own
//! network is cut — every call becomes two or three, and the retries add the load that keeps
//! the service down: a retry storm. So retries (and hedges, which are retries sent early)
//! are paid from a budget that calls fill: each call earns a fraction of a retry, and time
//! earns a few more, so that a quiet client can still retry now and then. The savings are
//! capped ([`RetryBudget::MOST_SAVED`]), so that a long quiet spell buys no storm later.
//! Finagle's `RetryBudget` and gRPC's retry throttling are this idea.

use std::time::Duration;

/// Retries and hedges, paid for by calls and by time.
#[derive(Debug)]
pub struct RetryBudget {
    // TODO: what the budget must remember between calls, behind a lock: `try_retry` takes
    // `&self`, and the client's tasks share one budget.
}

impl RetryBudget {
    /// The most retries saved up: what a burst of failures may spend at once.
    pub const MOST_SAVED: f64 = 10.0;

    /// What a spent budget must have saved again before the log says it is back.
    pub const BACK_AT: f64 = Self::MOST_SAVED / 2.0;

    /// A budget of `per_call` retries per call plus `per_second` a second (negative ones
    /// count as none), starting full: [`MOST_SAVED`](Self::MOST_SAVED) saved.
    pub fn new(per_call: f64, per_second: f64) -> RetryBudget {
        // TODO: a full budget, earning as it is told.
        todo!("a budget of {per_call} a call and {per_second} a second")
    }

    /// A call starts: it earns its share (never past the cap), and a spent budget that has
    /// saved [`BACK_AT`](Self::BACK_AT) again is back.
    pub fn called(&self) {
        // TODO: the call's share, as the doc comment says; time earns too, calls or none.
        todo!("a call's share")
    }

    /// Whether one more try may be sent: if a whole retry is saved, it is paid for now and
    /// counted. When the budget turns out spent, a warning is logged once, not once a
    /// refused retry; and once that it is back, when it has saved [`BACK_AT`](Self::BACK_AT)
    /// again (a call or a retry asked for finds it so), not as soon as a retry is paid for.
    pub fn try_retry(&self) -> bool {
        // TODO: as the doc comment says. Time earns on tokio's clock, to the nanosecond.
        todo!("one retry, if it is paid for")
    }

    /// How many retries (and hedges) were paid for so far.
    pub fn retries(&self) -> u64 {
        // TODO
        todo!("the retries paid for")
    }

    /// The most retries a run of `calls` calls over `time` may have paid for: what it
    /// started with, and what calls and time earned.
    pub fn most_for(&self, calls: u64, time: Duration) -> f64 {
        // TODO
        todo!("the most {calls} calls in {time:?} may pay for")
    }
}

impl Default for RetryBudget {
    /// 10 % of calls, and 3 retries a second.
    fn default() -> RetryBudget {
        RetryBudget::new(0.1, 3.0)
    }
}
