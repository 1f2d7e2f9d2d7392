//! The timeline: a history as a picture, one row per node, one mark per call.
//!
//! Numbers say how much a fault cost; a picture says how it went. Time runs left to right.
//! Each node that answered has a row, and one more row holds the calls nobody answered;
//! each call is a thin mark at the moment it was sent, in its row: green for an answer,
//! orange for a slow one (after [`SLOW`] or more), red for no answer. A slow or failed
//! call also draws a line from when it was sent to when it ended, so a reader sees what it
//! waited through. The faults are shaded behind the marks, each labelled, and a legend under
//! the time axis says what each mark is. So a partition shows as a band where one row goes
//! quiet and failures, each a line of the gateway's deadline, fill the last row; a killed
//! host as a band where its row stops. (Jepsen's Maelstrom draws histories of simulated
//! networks much like this; these are from real ones.)
//!
//! The SVG is written by hand: a few rectangles and lines of text need no library.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;

use crate::history::{Call, Outcome, SLOW};
use crate::load::Window;

const WIDTH: f64 = 960.0;
/// Room on the left for the rows' names.
const LEFT: f64 = 190.0;
const RIGHT: f64 = 20.0;
/// Room at the top for the faults' labels.
const TOP: f64 = 36.0;
const ROW: f64 = 28.0;
/// Room at the bottom for the time axis and the legend.
const BOTTOM: f64 = 58.0;

/// The row of the calls nobody answered.
const FAILED: &str = "no answer";

const ANSWERED_COLOUR: &str = "#2a7d3f";
const SLOW_COLOUR: &str = "#ef8a00";
const FAILED_COLOUR: &str = "#c62828";
const FAULT_COLOUR: &str = "#f4c542";

/// Writes the timeline of `calls` and `windows` to `path`.
pub fn write(path: &Path, calls: &[Call], windows: &[Window]) -> anyhow::Result<()> {
    std::fs::write(path, svg(calls, windows))
        .with_context(|| format!("cannot write {}", path.display()))
}

// ANCHOR: svg
/// The timeline as an SVG document.
pub fn svg(calls: &[Call], windows: &[Window]) -> String {
    let nodes: BTreeSet<&str> = calls
        .iter()
        .filter_map(|call| match &call.outcome {
            Outcome::Answered(node) => Some(node.as_str()),
            Outcome::Failed(_) => None,
        })
        .collect();
    let rows: Vec<&str> = nodes.into_iter().chain([FAILED]).collect();
    let row_of = |call: &Call| match &call.outcome {
        Outcome::Answered(node) => rows.iter().position(|row| row == node).unwrap_or(0),
        Outcome::Failed(_) => rows.len() - 1,
    };

    let end = calls
        .iter()
        .map(|call| call.at)
        .chain(windows.iter().map(|window| window.to))
        .max()
        .unwrap_or_default()
        .max(Duration::from_secs(1));
    let x = |at: Duration| LEFT + (WIDTH - LEFT - RIGHT) * at.as_secs_f64() / end.as_secs_f64();
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let bottom = TOP + ROW * rows.len() as f64;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    // The faults first, so that the calls are drawn over them.
    for (index, window) in windows.iter().enumerate() {
        let (from, to) = (x(window.from), x(window.to.max(window.from)));
        let label_y = 14.0 + 14.0 * (index % 2) as f64;
        let _ = writeln!(
            svg,
            r##"<rect x="{from:.1}" y="{TOP}" width="{:.1}" height="{:.1}" fill="{FAULT_COLOUR}" fill-opacity="0.3"/><text x="{from:.1}" y="{label_y}">{}</text>"##,
            (to - from).max(1.0),
            bottom - TOP,
            escape(&window.what)
        );
    }
    for (index, row) in rows.iter().enumerate() {
        let y = TOP + ROW * index as f64;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            y + ROW,
            WIDTH - RIGHT,
            y + ROW,
            LEFT - 8.0,
            y + ROW / 2.0 + 4.0,
            escape(row)
        );
    }
    for call in calls {
        let y = TOP + ROW * row_of(call) as f64 + 5.0;
        let colour = match (call.answered(), call.slow()) {
            (true, false) => ANSWERED_COLOUR,
            (true, true) => SLOW_COLOUR,
            (false, _) => FAILED_COLOUR,
        };
        let _ = writeln!(
            svg,
            r#"<rect x="{:.1}" y="{y:.1}" width="1.5" height="{:.1}" fill="{colour}"/>"#,
            x(call.at),
            ROW - 10.0
        );
        // What a slow or failed call waited through: from sent to ended.
        if call.latency >= SLOW {
            let middle = y + (ROW - 10.0) / 2.0;
            let _ = writeln!(
                svg,
                r#"<line x1="{:.1}" y1="{middle:.1}" x2="{:.1}" y2="{middle:.1}" stroke="{colour}" stroke-opacity="0.35"/>"#,
                x(call.at),
                x(call.at + call.latency)
            );
        }
    }
    // The time axis: a tick every 5 seconds (every second in a short run).
    let step = if end > Duration::from_secs(20) { 5 } else { 1 };
    for second in (0..=end.as_secs()).step_by(step) {
        let at = x(Duration::from_secs(second));
        let _ = writeln!(
            svg,
            r##"<line x1="{at:.1}" y1="{bottom:.1}" x2="{at:.1}" y2="{:.1}" stroke="#888"/><text x="{at:.1}" y="{:.1}" text-anchor="middle">{second} s</text>"##,
            bottom + 5.0,
            bottom + 18.0
        );
    }
    legend(&mut svg, bottom + 40.0);
    let _ = writeln!(svg, "</svg>");
    svg
}
// ANCHOR_END: svg

/// What each mark means, in a line at height `y`.
fn legend(svg: &mut String, y: f64) {
    let slow = format!("answered after {SLOW:?} or more (a line: its wait)");
    let keys = [
        (ANSWERED_COLOUR, "answered", 1.5),
        (SLOW_COLOUR, slow.as_str(), 1.5),
        (FAILED_COLOUR, "no answer (a line: its wait)", 1.5),
        (FAULT_COLOUR, "a fault", 12.0),
    ];
    let mut at = LEFT;
    for (colour, what, width) in keys {
        let opacity = if colour == FAULT_COLOUR { 0.3 } else { 1.0 };
        let _ = writeln!(
            svg,
            r#"<rect x="{at:.1}" y="{:.1}" width="{width}" height="12" fill="{colour}" fill-opacity="{opacity}"/><text x="{:.1}" y="{y:.1}">{}</text>"#,
            y - 10.0,
            at + width + 5.0,
            escape(what)
        );
        // About 6.5 units a character at this font size, and room between the keys.
        at += width + 5.0 + 6.5 * what.chars().count() as f64 + 18.0;
    }
}

/// Text as SVG (XML) carries it: `&`, `<` and `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
