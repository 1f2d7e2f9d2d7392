//! The report: what the run as a whole, and each fault within it, cost the callers.
//!
//! Its parts, each saying what it counts:
//!
//! - the table: one row per window — the whole run, then each fault as the journal has it —
//!   with the numbers of [`availability`](crate::exercises::availability): the calls *sent*
//!   in the window that were answered and that failed, the longest stretch with no answer,
//!   and the p99 of the *answered* calls' latencies. A failed call is not in the p99: it
//!   took what a deadline or the network made it take, and that is said apart;
//! - the faults, and the nodes that answered, so a reader sees which host took over;
//! - the slow answers and the failed calls, each counted once, under the fault it was *in
//!   flight* during: a call sent just before a partition and held up by it belongs to the
//!   partition, though the table counts it before. Those during no fault at all are said
//!   too, with when they were sent, so that the counts add up to the run's.
//!
//! The table is the exercise `deploy.availability`. Until it is done, the report says so in
//! its place, in one line, and shows the rest: nothing else here needs it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use crate::exercises::availability::{Availability, availability};
use crate::history::{Call, Outcome, SLOW};
use crate::load::Window;
use not_done::{Panic, not_done, without_a_panic_message};

mod not_done;

/// How a window is read: [`availability`], or in a test a stand-in.
pub type ReadWindow = fn(&[Call], Duration, Duration) -> Availability;

// ANCHOR: report
/// The report of `calls` and the fault `windows` during them, as text.
pub fn report(calls: &[Call], windows: &[Window]) -> String {
    report_with(calls, windows, availability, None)
}

/// [`report`] of the history written at `history`: with the stub in place, the line in the
/// table's place says how to read the history again with the answers, not run it again.
pub fn report_of(calls: &[Call], windows: &[Window], history: &Path) -> String {
    report_with(calls, windows, availability, Some(history))
}

/// [`report`], with the windows read by `read`, of the history at `history` if it is known.
pub fn report_with(
    calls: &[Call],
    windows: &[Window],
    read: ReadWindow,
    history: Option<&Path>,
) -> String {
    let whole = Window {
        what: "whole run".to_string(),
        from: Duration::ZERO,
        to: end_of(calls),
    };
    let windows: Vec<&Window> = std::iter::once(&whole).chain(windows).collect();
    let mut text = match table(calls, &windows, read) {
        Ok(table) => table,
        Err(panic) => format!("{}\n", not_done(&panic, history)),
    };
    let faults = &windows[1..];
    let listed: Vec<String> = faults.iter().map(|window| label(window)).collect();
    let listed = if listed.is_empty() {
        "none".to_string()
    } else {
        listed.join(", ")
    };
    let _ = writeln!(text, "faults: {listed}");
    let _ = writeln!(text, "answered by: {}", answered_by(calls));
    let slow = format!("slow answers ({SLOW:?} or more)");
    text.push_str(&in_flight(&slow, calls, Call::slow, faults));
    text.push_str(&in_flight(
        "failed calls",
        calls,
        |call| !call.answered(),
        faults,
    ));
    if let Some(why) = first_failure(calls) {
        let _ = writeln!(text, "first failure: {why}");
    }
    text
}
// ANCHOR_END: report

/// Just after the last call was sent: the whole run's window ends there.
fn end_of(calls: &[Call]) -> Duration {
    calls
        .iter()
        .map(|call| call.at)
        .max()
        .map_or(Duration::ZERO, |last| last + Duration::from_millis(1))
}

/// The table's header, its rows and what its columns count; or, when reading a window
/// panics (the exercise's `todo!()`), the one line that says which exercise it waits for.
fn table(calls: &[Call], windows: &[&Window], read: ReadWindow) -> Result<String, Panic> {
    let seen = without_a_panic_message(|| {
        windows
            .iter()
            .map(|window| read(calls, window.from, window.to))
            .collect::<Vec<Availability>>()
    })?;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{:<32} {:>8} {:>8} {:>12} {:>13}",
        "window", "answered", "failed", "longest gap", "p99 answered"
    );
    for (window, seen) in windows.iter().zip(seen) {
        let p99 = seen.p99.map_or("-".to_string(), |p99| format!("{p99:.1?}"));
        let _ = writeln!(
            text,
            "{:<32} {:>8} {:>8} {:>12} {:>13}",
            label(window),
            seen.answered,
            seen.failed,
            format!("{:.2} s", seen.longest_gap.as_secs_f64()),
            p99
        );
    }
    let _ = writeln!(
        text,
        "(calls counted by when they were sent; the p99 is the answered calls' latency, and \
         what the slow and the failed ones took is below)"
    );
    Ok(text)
}

/// `partition host-c 5.4–18.0 s`.
fn label(window: &Window) -> String {
    format!(
        "{} {:.1}–{:.1} s",
        window.what,
        window.from.as_secs_f64(),
        window.to.as_secs_f64()
    )
}

/// `host-a 333, host-b 211, host-c 100`: each node and its answers.
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

// ANCHOR: in_flight
/// The calls that are `counted` (slow, or failed), each under the first fault (in the
/// windows' order) it was in flight during — sent before the fault ended, and ended after it
/// began — and those during no fault.
pub fn in_flight_during<'a>(
    calls: &'a [Call],
    counted: impl Fn(&Call) -> bool,
    windows: &[&Window],
) -> (Vec<Vec<&'a Call>>, Vec<&'a Call>) {
    let mut during: Vec<Vec<&Call>> = vec![Vec::new(); windows.len()];
    let mut outside = Vec::new();
    for call in calls.iter().filter(|call| counted(call)) {
        let in_flight =
            |window: &Window| call.at < window.to && window.from <= call.at + call.latency;
        match windows.iter().position(|window| in_flight(window)) {
            Some(index) => during[index].push(call),
            None => outside.push(call),
        }
    }
    (during, outside)
}
// ANCHOR_END: in_flight

/// A part of the report: the calls that are `counted`, under the fault each was in flight
/// during, and what they took. `what` names them: `failed calls`.
fn in_flight(
    what: &str,
    calls: &[Call],
    counted: impl Fn(&Call) -> bool,
    windows: &[&Window],
) -> String {
    let (during, outside) = in_flight_during(calls, counted, windows);
    let total = during.iter().map(Vec::len).sum::<usize>() + outside.len();
    if total == 0 {
        return format!("{what}: none\n");
    }
    let mut text = String::new();
    if windows.is_empty() {
        let _ = writeln!(text, "{what}: {total}{}", took(&outside));
        return text;
    }
    let _ = writeln!(
        text,
        "{what}: {total}, each under the fault it was in flight during:"
    );
    for (window, calls) in windows.iter().zip(&during) {
        let _ = writeln!(
            text,
            "  {:<30} {:>5}{}",
            label(window),
            calls.len(),
            took(calls)
        );
    }
    if !outside.is_empty() {
        let sent: Vec<String> = outside
            .iter()
            .take(5)
            .map(|call| format!("{:.1}", call.at.as_secs_f64()))
            .collect();
        let more = if outside.len() > 5 { ", …" } else { "" };
        let _ = writeln!(
            text,
            "  {:<30} {:>5}{}, sent at {} s{more}",
            "during no fault",
            outside.len(),
            took(&outside),
            sent.join(", ")
        );
    }
    text
}

/// `, each took 5.0s`, `, took 1.2ms to 5.0s` or for one call `, took 5.0s`: how long the
/// `failed` calls took to fail.
fn took(failed: &[&Call]) -> String {
    let shortest = failed.iter().map(|call| call.latency).min();
    let longest = failed.iter().map(|call| call.latency).max();
    match (shortest, longest) {
        (Some(shortest), Some(longest)) => {
            let (shortest, longest) = (format!("{shortest:.1?}"), format!("{longest:.1?}"));
            if failed.len() == 1 {
                format!(", took {longest}")
            } else if shortest == longest {
                format!(", each took {longest}")
            } else {
                format!(", took {shortest} to {longest}")
            }
        }
        _ => String::new(),
    }
}

/// Why the first failed call failed, and when.
fn first_failure(calls: &[Call]) -> Option<String> {
    calls.iter().find_map(|call| match &call.outcome {
        Outcome::Failed(why) => Some(format!("at {:.1} s, {why}", call.at.as_secs_f64())),
        Outcome::Answered(_) => None,
    })
}
