//! The timeline: a history as a picture, one row per node, one mark per call.
//!
//! Numbers say how much a fault cost; a picture says how it went. Time runs left to right.
//! Each node that answered has a row, and one more row holds the calls nobody answered;
//! each call is a thin mark at the moment it was sent, in its row. The faults are shaded
//! behind the marks, each labelled. So a partition shows as a band where one row goes
//! quiet, and a killed host as a band where its row stops and, for a while, marks appear in
//! the failed row until the others take its turns. (Jepsen's Maelstrom draws histories of
//! simulated networks much like this; these are from real ones.)
//!
//! The SVG is written by hand: a few rectangles and lines of text need no library.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;

use crate::history::{Call, Outcome};
use crate::load::Window;

const WIDTH: f64 = 960.0;
/// Room on the left for the rows' names.
const LEFT: f64 = 190.0;
const RIGHT: f64 = 20.0;
/// Room at the top for the faults' labels.
const TOP: f64 = 36.0;
const ROW: f64 = 28.0;
/// Room at the bottom for the time axis.
const BOTTOM: f64 = 34.0;

/// The row of the calls nobody answered.
const FAILED: &str = "no answer";

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
            r##"<rect x="{from:.1}" y="{TOP}" width="{:.1}" height="{:.1}" fill="#f4c542" fill-opacity="0.3"/><text x="{from:.1}" y="{label_y}">{}</text>"##,
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
        let colour = if call.answered() {
            "#2a7d3f"
        } else {
            "#c62828"
        };
        let _ = writeln!(
            svg,
            r#"<rect x="{:.1}" y="{y:.1}" width="1.5" height="{:.1}" fill="{colour}"/>"#,
            x(call.at),
            ROW - 10.0
        );
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
    let _ = writeln!(svg, "</svg>");
    svg
}
// ANCHOR_END: svg

/// Text as SVG (XML) carries it: `&`, `<` and `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
