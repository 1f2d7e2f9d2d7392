//! The bar chart of a report, as a plain SVG: one bar per row at the median, a whisker from
//! the lowest run to the highest, for requests per second and for the server's CPU time per
//! request. No plotting library: a few rectangles and lines, and text.

use super::*;

// --- the chart ------------------------------------------------------------------------------

/// The chart's width in pixels: it fits the book's column, and scales down with it.
pub const CHART_WIDTH: f64 = 800.0;

const LABEL_RIGHT: f64 = 300.0;

pub(super) const RATE_LEFT: f64 = 310.0;

pub(super) const RATE_BAR_MAX: f64 = 190.0;

const CPU_LEFT: f64 = 580.0;

const CPU_BAR_MAX: f64 = 150.0;

const TOP: f64 = 78.0;

const PITCH: f64 = 22.0;

const BAR_HEIGHT: f64 = 14.0;

const RUST_COLOUR: &str = "#d9622b";

const GO_COLOUR: &str = "#2b7bb9";

// ANCHOR: bar
/// A horizontal bar for a spread: the bar ends at the median, the whisker spans min–max.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub width: f64,
    pub whisker_from: f64,
    pub whisker_to: f64,
}

/// Where a spread's bar and whisker go on an axis that starts at `left` and puts `top` at
/// `left + length`.
pub fn bar(s: Spread, top: f64, left: f64, length: f64) -> Bar {
    let at = |v: f64| left + v / top * length;
    Bar {
        x: left,
        width: at(s.median) - left,
        whisker_from: at(s.min),
        whisker_to: at(s.max),
    }
}

// ANCHOR_END: bar

/// The rows as an SVG bar chart: requests per second on the left, the server's CPU time per
/// request on the right, one bar per row at its median with the runs' lowest and highest as
/// a whisker. `title` and `subtitle` (the machine, the settings) head it.
pub fn svg(runs: &[Measurement], title: &str, subtitle: &str) -> String {
    let rows = rows(runs);
    let height = TOP + PITCH * rows.len() as f64 + 44.0;
    let top_rate = rows
        .iter()
        .map(|r| r.requests_per_s.max)
        .fold(0.0, f64::max)
        .max(1.0);
    let top_cpu = rows
        .iter()
        .filter_map(|r| r.server_us.map(|s| s.max))
        .fold(0.0, f64::max)
        .max(1.0);
    let n_runs = rows.iter().map(|r| r.requests_per_s.n).max().unwrap_or(0);

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" viewBox="0 0 {w} {height}" style="max-width: 100%; height: auto" font-family="sans-serif" font-size="12" role="img" aria-label="{label}">"#,
        w = CHART_WIDTH,
        label = escape(title),
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        r##"<rect width="{CHART_WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        out,
        r#"<text x="10" y="20" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<text x="10" y="38" fill="#444444">{}</text>"##,
        escape(subtitle)
    );
    let _ = writeln!(
        out,
        r##"<text x="{RATE_LEFT}" y="56" font-weight="bold">thousand requests/s</text><text x="{RATE_LEFT}" y="70" fill="#444444">more is better</text>"##
    );
    let _ = writeln!(
        out,
        r##"<text x="{CPU_LEFT}" y="56" font-weight="bold">server CPU µs/request</text><text x="{CPU_LEFT}" y="70" fill="#444444">less is better</text>"##
    );

    let mut protocol = "";
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + PITCH * i as f64;
        if r.protocol != protocol {
            if i > 0 {
                let _ = writeln!(
                    out,
                    r##"<line class="group" x1="10" x2="{}" y1="{y}" y2="{y}" stroke="#cccccc"/>"##,
                    CHART_WIDTH - 10.0
                );
            }
            protocol = &r.protocol;
        }
        let middle = y + PITCH / 2.0;
        let _ = writeln!(
            out,
            r#"<text x="{LABEL_RIGHT}" y="{}" text-anchor="end">{}</text>"#,
            middle + 4.0,
            escape(&r.label())
        );
        let colour = match r.side {
            Side::Rust => RUST_COLOUR,
            Side::Go => GO_COLOUR,
        };
        let rate = bar(r.requests_per_s, top_rate, RATE_LEFT, RATE_BAR_MAX);
        draw_bar(
            &mut out,
            rate,
            middle,
            colour,
            &format!("{:.1}", r.requests_per_s.median / 1000.0),
        );
        if let Some(cpu) = r.server_us {
            let b = bar(cpu, top_cpu, CPU_LEFT, CPU_BAR_MAX);
            draw_bar(&mut out, b, middle, colour, &format!("{:.1}", cpu.median));
        }
    }

    let bottom = TOP + PITCH * rows.len() as f64;
    for left in [RATE_LEFT, CPU_LEFT] {
        let _ = writeln!(
            out,
            r##"<line class="axis" x1="{left}" x2="{left}" y1="{}" y2="{bottom}" stroke="#333333"/>"##,
            TOP - 4.0
        );
    }
    let legend = bottom + 24.0;
    let _ = writeln!(
        out,
        r#"<rect x="10" y="{}" width="12" height="12" fill="{RUST_COLOUR}"/><text x="28" y="{legend}">the course's servers (Rust)</text>"#,
        legend - 10.0
    );
    let _ = writeln!(
        out,
        r#"<rect x="210" y="{}" width="12" height="12" fill="{GO_COLOUR}"/><text x="228" y="{legend}">Go</text>"#,
        legend - 10.0
    );
    let _ = writeln!(
        out,
        r##"<text x="280" y="{legend}" fill="#444444">bar: median of {n_runs} run(s); whisker: lowest to highest</text>"##
    );
    out.push_str("</svg>\n");
    out
}

fn draw_bar(out: &mut String, b: Bar, middle: f64, colour: &str, value: &str) {
    let top = middle - BAR_HEIGHT / 2.0;
    let _ = writeln!(
        out,
        r#"<rect class="bar" x="{:.1}" y="{top}" width="{:.1}" height="{BAR_HEIGHT}" fill="{colour}"/>"#,
        b.x, b.width
    );
    let _ = writeln!(
        out,
        r##"<line class="whisker" x1="{:.1}" x2="{:.1}" y1="{middle}" y2="{middle}" stroke="#000000"/>"##,
        b.whisker_from, b.whisker_to
    );
    for x in [b.whisker_from, b.whisker_to] {
        let _ = writeln!(
            out,
            r##"<line class="whisker-end" x1="{x:.1}" x2="{x:.1}" y1="{}" y2="{}" stroke="#000000"/>"##,
            middle - 4.0,
            middle + 4.0
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{}">{value}</text>"#,
        b.whisker_to.max(b.x + b.width) + 5.0,
        middle + 4.0
    );
}

/// Text made safe to put inside an SVG element or attribute.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
