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
    let within: Vec<&Call> = calls
        .iter()
        .filter(|call| from <= call.at && call.at < to)
        .collect();
    let failed = within.iter().filter(|call| !call.answered()).count();

    // The moments an answer was on its way, in order, between the window's two edges.
    let mut answered_at: Vec<Duration> = within
        .iter()
        .filter(|call| call.answered())
        .map(|call| call.at)
        .collect();
    answered_at.sort();
    let edges = std::iter::once(from)
        .chain(answered_at.iter().copied())
        .chain(std::iter::once(to.max(from)));
    let longest_gap = edges
        .clone()
        .zip(edges.skip(1))
        .map(|(earlier, later)| later - earlier)
        .max()
        .unwrap_or_default();

    // Nearest rank: the value at position ⌈0.99 · n⌉ of the sorted latencies, counted from 1.
    let mut latencies: Vec<Duration> = within
        .iter()
        .filter(|call| call.answered())
        .map(|call| call.latency)
        .collect();
    latencies.sort();
    let rank = (latencies.len() * 99).div_ceil(100);
    let p99 = rank.checked_sub(1).map(|index| latencies[index]);

    Availability {
        answered: answered_at.len(),
        failed,
        longest_gap,
        p99,
    }
}
// ANCHOR_END: availability
