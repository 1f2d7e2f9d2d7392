//! What one window of a history shows: how many calls were answered, how many failed, the
//! longest stretch with no answer, and how slow the slowest answers were.
//!
//! "The service stayed up" is a claim about a stretch of time, and a fault is a stretch of
//! time too; this function is what turns the load's records into numbers for one of them.

use std::time::Duration;

use crate::history::Call;

// ANCHOR: availability
/// What the calls sent within a window show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Availability {
    /// Calls sent in the window that a service answered.
    pub answered: usize,
    /// Calls sent in the window that got no answer.
    pub failed: usize,
    /// The longest stretch of the window in which no answered call was sent: from the
    /// window's start to the first answered call, between two answered calls, or from the
    /// last to the window's end. A window with no answer at all is one gap, its whole length.
    pub longest_gap: Duration,
    /// The 99th percentile of the answered calls' latencies (nearest rank: the smallest
    /// latency that at least 99 % of them do not exceed); `None` when none was answered.
    pub p99: Option<Duration>,
}

/// What `calls` show between `from` (included) and `to` (excluded), counted by when each
/// call was sent. The calls may come in any order.
pub fn availability(calls: &[Call], from: Duration, to: Duration) -> Availability {
    // TODO: the four numbers of `Availability` for this window, as its doc comments define
    // them. They are what the load's report is made of, for the whole run and each fault.
    todo!()
}
// ANCHOR_END: availability
