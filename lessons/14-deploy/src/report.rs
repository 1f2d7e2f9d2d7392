//! The report: what the run as a whole, and each fault within it, cost the callers.
//!
//! One row per window — the whole run, then each fault as the journal has it — with the
//! numbers of [`availability`](crate::exercises::availability): answered, failed, the
//! longest stretch with no answer, and the answers' p99. The nodes that answered are
//! listed too, so a reader sees which host took over.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::exercises::availability::availability;
use crate::history::{Call, Outcome};
use crate::load::Window;

// ANCHOR: report
/// The report of `calls` and the fault `windows` during them, as text.
pub fn report(calls: &[Call], windows: &[Window]) -> String {
    let end = calls
        .iter()
        .map(|call| call.at)
        .max()
        .map_or(Duration::ZERO, |last| last + Duration::from_millis(1));
    let whole = Window {
        what: "whole run".to_string(),
        from: Duration::ZERO,
        to: end,
    };
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:<32} {:>8} {:>8} {:>12} {:>10}",
        "window", "answered", "failed", "longest gap", "p99"
    );
    for window in std::iter::once(&whole).chain(windows) {
        let seen = availability(calls, window.from, window.to);
        let label = format!(
            "{} {:.1}–{:.1} s",
            window.what,
            window.from.as_secs_f64(),
            window.to.as_secs_f64()
        );
        let p99 = seen.p99.map_or("-".to_string(), |p99| format!("{p99:.1?}"));
        let _ = writeln!(
            text,
            "{label:<32} {:>8} {:>8} {:>12} {:>10}",
            seen.answered,
            seen.failed,
            format!("{:.2} s", seen.longest_gap.as_secs_f64()),
            p99
        );
    }
    let _ = writeln!(text, "answered by: {}", answered_by(calls));
    if let Some(why) = first_failure(calls) {
        let _ = writeln!(text, "first failure: {why}");
    }
    text
}
// ANCHOR_END: report

/// `user-10.14.0.11-7021 201, user-10.14.0.12-7021 199`: each node and its answers.
fn answered_by(calls: &[Call]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for call in calls {
        if let Outcome::Answered(node) = &call.outcome {
            *counts.entry(node).or_default() += 1;
        }
    }
    if counts.is_empty() {
        return "nobody".to_string();
    }
    let counts: Vec<String> = counts
        .iter()
        .map(|(node, count)| format!("{node} {count}"))
        .collect();
    counts.join(", ")
}

/// Why the first failed call failed, and when.
fn first_failure(calls: &[Call]) -> Option<String> {
    calls.iter().find_map(|call| match &call.outcome {
        Outcome::Failed(why) => Some(format!("at {:.1} s, {why}", call.at.as_secs_f64())),
        Outcome::Answered(_) => None,
    })
}
