//! The report: what the run as a whole, and each fault within it, cost the callers.
//!
//! Three parts, each saying what it counts:
//!
//! - the table: one row per window — the whole run, then each fault as the journal has it —
//!   with the numbers of [`availability`](crate::exercises::availability): the calls *sent*
//!   in the window that were answered and that failed, the longest stretch with no answer,
//!   and the p99 of the *answered* calls' latencies. A failed call is not in the p99: it
//!   took what the gateway's deadline or the network made it take, and that is said apart;
//! - the nodes that answered, so a reader sees which host took over;
//! - every failed call, each counted once, under the fault it was *in flight* during: a call
//!   sent just before a partition and lost in it belongs to the partition, though the table
//!   counts it before. Failures during no fault at all are said too, with when they were
//!   sent, so that the counts add up to the run's.
//!
//! The table is the exercise `deploy.availability`. Until it is done, the report says so in
//! its place, in one line, and shows the rest: nothing else here needs it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use crate::exercises::availability::{Availability, availability};
use crate::history::{Call, Outcome};
use crate::load::Window;

/// How a window is read: [`availability`], or in a test a stand-in.
pub type ReadWindow = fn(&[Call], Duration, Duration) -> Availability;

// ANCHOR: report
/// The report of `calls` and the fault `windows` during them, as text.
pub fn report(calls: &[Call], windows: &[Window]) -> String {
    report_with(calls, windows, availability)
}

/// [`report`], with the windows read by `read`.
pub fn report_with(calls: &[Call], windows: &[Window], read: ReadWindow) -> String {
    let whole = Window {
        what: "whole run".to_string(),
        from: Duration::ZERO,
        to: end_of(calls),
    };
    let windows: Vec<&Window> = std::iter::once(&whole).chain(windows).collect();
    let mut text = match table(calls, &windows, read) {
        Ok(table) => table,
        Err(not_there) => format!("{not_there}\n"),
    };
    let _ = writeln!(text, "answered by: {}", answered_by(calls));
    text.push_str(&failures(calls, &windows[1..]));
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
fn table(calls: &[Call], windows: &[&Window], read: ReadWindow) -> Result<String, String> {
    let seen = without_a_panic_message(|| {
        windows
            .iter()
            .map(|window| read(calls, window.from, window.to))
            .collect::<Vec<Availability>>()
    })
    .map_err(|panic| not_done(&panic))?;
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
         what the failed ones took is below)"
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

/// What the report says in the table's place when the exercise panicked: `todo!()`'s
/// "not yet implemented", or a panic of a learner's answer still in the making.
fn not_done(panic: &str) -> String {
    let check = "`cargo run -p workbook -- check deploy.availability`";
    if panic.starts_with("not yet implemented") {
        format!(
            "the table of each window (answered, failed, longest gap, p99) is the exercise \
             deploy.availability, not done yet: {check}, or run this with `--features solution`"
        )
    } else {
        format!(
            "the table of each window is the exercise deploy.availability, which panicked \
             ({panic}): {check} shows where"
        )
    }
}

/// Runs `work`; a panic comes back as its message, without the panic hook's report on
/// standard error (the report says it in one line of its own).
fn without_a_panic_message<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    std::panic::set_hook(hook);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
            .unwrap_or_else(|| "a panic".to_string())
    })
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

// ANCHOR: failures
/// Which failed calls each fault cost, each failure counted once: under the first fault
/// (in the windows' order) it was in flight during — sent before the fault ended, and
/// ended after it began — or else under "during no fault", with when they were sent.
pub fn attribute_failures<'a>(
    calls: &'a [Call],
    windows: &[&Window],
) -> (Vec<Vec<&'a Call>>, Vec<&'a Call>) {
    let mut during: Vec<Vec<&Call>> = vec![Vec::new(); windows.len()];
    let mut outside = Vec::new();
    for call in calls.iter().filter(|call| !call.answered()) {
        let in_flight =
            |window: &&Window| call.at < window.to && window.from <= call.at + call.latency;
        match windows.iter().position(|window| in_flight(&window)) {
            Some(index) => during[index].push(call),
            None => outside.push(call),
        }
    }
    (during, outside)
}
// ANCHOR_END: failures

/// The report's last part: every failed call, under the fault it was in flight during, and
/// what they took; then why the first one failed.
fn failures(calls: &[Call], windows: &[&Window]) -> String {
    let failed = calls.iter().filter(|call| !call.answered()).count();
    if failed == 0 {
        return "failed calls: none\n".to_string();
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "failed calls: {failed}, each under the fault it was in flight during:"
    );
    let (during, outside) = attribute_failures(calls, windows);
    for (window, lost) in windows.iter().zip(&during) {
        let _ = writeln!(
            text,
            "  {:<30} {:>5}{}",
            label(window),
            lost.len(),
            took(lost)
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
    if let Some(why) = first_failure(calls) {
        let _ = writeln!(text, "first failure: {why}");
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
