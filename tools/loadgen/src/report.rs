//! What `bench.sh` measured over several runs: medians with their spread, the ratios of the
//! course's servers to Go's, and a bar chart of both as a plain SVG.
//!
//! `bench.sh` writes one JSON line per measurement (`runs.jsonl`): `loadgen`'s own `--json`
//! report under `"report"`, and beside it what the script knows and `loadgen` does not:
//!
//! ```json
//! {"run": 2, "protocol": "grpc", "server": "l05-grpc", "client": "loadgen grpc",
//!  "side": "rust", "compare": "lesson 05 vs grpc-go", "load_1m": 0.42,
//!  "server_cpu_s": 9.81, "client_cpu_s": 9.52, "report": {"requests_per_s": 70701, …}}
//! ```
//!
//! `side` is `"rust"` for the course's servers and `"go"` for Go's. Two rows that share a
//! `compare` name, one of each side, are set against each other run by run: a ratio is taken
//! within one run, where both rows saw the same machine, and only then summarised. A row may
//! take part in several comparisons: then `compare` is an array of names (Go's gRPC server
//! is set against both of lesson 05's).
//! `loadgen report runs.jsonl` prints the tables; `--svg FILE` writes the chart.

use std::fmt::Write as _;

use anyhow::{Context as _, bail};
use serde_json::Value;

/// Which language's server a row measured: the chart colours the bars by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Rust,
    Go,
}

/// One measurement: one row of the table, in one run.
#[derive(Clone, Debug)]
pub struct Measurement {
    pub run: u64,
    pub protocol: String,
    pub server: String,
    pub client: String,
    pub side: Side,
    /// The names of the comparisons this row takes part in (often one, or none).
    pub compare: Vec<String>,
    /// The 1-minute load average just before the row ran.
    pub load: Option<f64>,
    pub requests_per_s: f64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub errors: u64,
    /// The server's CPU time (user + system) per right reply, in microseconds.
    pub server_us: Option<f64>,
    /// The load generator's CPU time per right reply, in microseconds.
    pub client_us: Option<f64>,
}

/// Reads `runs.jsonl`: one measurement a line, blank lines skipped.
pub fn parse_runs(text: &str) -> anyhow::Result<Vec<Measurement>> {
    let mut runs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value =
            serde_json::from_str(line).with_context(|| format!("line {}: not JSON", n + 1))?;
        runs.push(measurement(&value).with_context(|| format!("line {}", n + 1))?);
    }
    Ok(runs)
}

fn measurement(v: &Value) -> anyhow::Result<Measurement> {
    let text = |key: &str| -> anyhow::Result<String> {
        v[key]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no {key:?}"))
    };
    let report = &v["report"];
    let Some(requests_per_s) = report["requests_per_s"].as_f64() else {
        bail!("no report.requests_per_s (the run failed?)");
    };
    let replies = report["replies_total"].as_f64().unwrap_or(0.0);
    let per_reply = |key: &str| {
        v[key]
            .as_f64()
            .filter(|_| replies > 0.0)
            .map(|s| s * 1e6 / replies)
    };
    let side = match v["side"].as_str() {
        Some("rust") => Side::Rust,
        Some("go") => Side::Go,
        other => bail!("\"side\" is {other:?}, not \"rust\" or \"go\""),
    };
    Ok(Measurement {
        run: v["run"].as_u64().unwrap_or(1),
        protocol: text("protocol")?,
        server: text("server")?,
        client: text("client")?,
        side,
        compare: match &v["compare"] {
            Value::String(name) => vec![name.clone()],
            Value::Array(names) => names
                .iter()
                .filter_map(|name| name.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        },
        load: v["load_1m"].as_f64(),
        requests_per_s,
        p50_us: report["latency_us"]["p50"].as_f64().unwrap_or(f64::NAN),
        p99_us: report["latency_us"]["p99"].as_f64().unwrap_or(f64::NAN),
        errors: report["errors"].as_u64().unwrap_or(0),
        server_us: per_reply("server_cpu_s"),
        client_us: per_reply("client_cpu_s"),
    })
}

/// The median of a few values, and the lowest and highest of them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// How many values.
    pub n: usize,
}

impl Spread {
    /// `None` for no values. NaNs are left out.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Spread> {
        let mut v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Spread {
            median,
            min: v[0],
            max: v[n - 1],
            n,
        })
    }
}

/// One row of the table over all runs: a server under one load generator.
#[derive(Clone, Debug)]
pub struct Row {
    pub protocol: String,
    pub server: String,
    pub client: String,
    pub side: Side,
    pub requests_per_s: Spread,
    pub p50_us: Option<Spread>,
    pub p99_us: Option<Spread>,
    pub errors: u64,
    pub server_us: Option<Spread>,
    pub client_us: Option<Spread>,
}

impl Row {
    /// "server ← load generator", the row's name in the chart.
    pub fn label(&self) -> String {
        format!("{} ← {}", self.server, self.client)
    }
}

/// The rows, in the order they first ran.
pub fn rows(runs: &[Measurement]) -> Vec<Row> {
    let mut keys: Vec<(&str, &str, &str)> = Vec::new();
    for m in runs {
        let key = (m.protocol.as_str(), m.server.as_str(), m.client.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.into_iter()
        .map(|(protocol, server, client)| {
            let of_row: Vec<&Measurement> = runs
                .iter()
                .filter(|m| m.protocol == protocol && m.server == server && m.client == client)
                .collect();
            let spread =
                |f: fn(&Measurement) -> Option<f64>| Spread::of(of_row.iter().filter_map(|m| f(m)));
            Row {
                protocol: protocol.to_owned(),
                server: server.to_owned(),
                client: client.to_owned(),
                side: of_row[0].side,
                requests_per_s: spread(|m| Some(m.requests_per_s)).expect("a row has a run"),
                p50_us: spread(|m| Some(m.p50_us)),
                p99_us: spread(|m| Some(m.p99_us)),
                errors: of_row.iter().map(|m| m.errors).sum(),
                server_us: spread(|m| m.server_us),
                client_us: spread(|m| m.client_us),
            }
        })
        .collect()
}

/// A comparison of one of the course's servers with Go's, its ratios taken within each run.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub name: String,
    /// Ours over Go's requests per second.
    pub throughput: Spread,
    /// Go's server CPU per request over ours (above 1: ours spends less).
    pub cpu: Option<Spread>,
}

/// Every comparison that has both sides in at least one run.
pub fn comparisons(runs: &[Measurement]) -> Vec<Comparison> {
    let mut names: Vec<&str> = Vec::new();
    for name in runs
        .iter()
        .flat_map(|m| m.compare.iter().map(String::as_str))
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut out = Vec::new();
    for name in names {
        let side = |run: u64, side: Side| {
            runs.iter()
                .find(|m| m.run == run && m.side == side && m.compare.iter().any(|c| c == name))
        };
        let mut run_ids: Vec<u64> = runs.iter().map(|m| m.run).collect();
        run_ids.sort_unstable();
        run_ids.dedup();
        let pairs: Vec<(&Measurement, &Measurement)> = run_ids
            .iter()
            .filter_map(|&r| Some((side(r, Side::Rust)?, side(r, Side::Go)?)))
            .filter(|(ours, go)| ours.requests_per_s > 0.0 && go.requests_per_s > 0.0)
            .collect();
        let Some(throughput) = Spread::of(
            pairs
                .iter()
                .map(|(ours, go)| ours.requests_per_s / go.requests_per_s),
        ) else {
            continue;
        };
        let cpu = Spread::of(
            pairs
                .iter()
                .filter_map(|(ours, go)| Some(go.server_us? / ours.server_us?)),
        );
        out.push(Comparison {
            name: name.to_owned(),
            throughput,
            cpu,
        });
    }
    out
}

/// The 1-minute load averages seen before the rows ran.
pub fn load(runs: &[Measurement]) -> Option<Spread> {
    Spread::of(runs.iter().filter_map(|m| m.load))
}

/// `median (min–max)` with `digits` decimals, or `-`.
fn spread_text(s: Option<Spread>, digits: usize) -> String {
    match s {
        None => "-".into(),
        Some(s) if s.n == 1 => format!("{:.digits$}", s.median),
        Some(s) => format!(
            "{:.digits$} ({:.digits$}–{:.digits$})",
            s.median, s.min, s.max
        ),
    }
}

/// Requests per second in thousands: `70.7 k (67.1–72.0)`.
fn thousands(s: Spread) -> String {
    let k = |x: f64| x / 1000.0;
    if s.n == 1 {
        format!("{:.1} k", k(s.median))
    } else {
        format!("{:.1} k ({:.1}–{:.1})", k(s.median), k(s.min), k(s.max))
    }
}

/// The two tables in Markdown: every row's medians and spread, then the comparisons.
pub fn markdown(runs: &[Measurement]) -> String {
    let rows = rows(runs);
    let n_runs = rows.iter().map(|r| r.requests_per_s.n).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Medians of {n_runs} run(s), (lowest–highest) beside them; µs/req is CPU time \
         (user + system) over the whole run divided by the right replies."
    );
    if let Some(load) = load(runs) {
        let _ = writeln!(
            out,
            "1-minute load average before each row: median {:.2}, {:.2}–{:.2}.",
            load.median, load.min, load.max
        );
    }
    out.push('\n');
    out.push_str(
        "| protocol | server | load generator | req/s | p50 ms | p99 ms | errors | server µs/req | client µs/req |\n",
    );
    out.push_str("|---|---|---|--:|--:|--:|--:|--:|--:|\n");
    for r in &rows {
        let ms = |s: Option<Spread>| spread_text(s.map(|s| scale(s, 0.001)), 3);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.protocol,
            r.server,
            r.client,
            thousands(r.requests_per_s),
            ms(r.p50_us),
            ms(r.p99_us),
            r.errors,
            spread_text(r.server_us, 1),
            spread_text(r.client_us, 1),
        );
    }
    let comparisons = comparisons(runs);
    if !comparisons.is_empty() {
        out.push_str("\nRatios, taken within each run (above 1: ours is ahead):\n\n");
        out.push_str("| comparison | req/s, ours ÷ Go | server CPU per request, Go ÷ ours |\n");
        out.push_str("|---|--:|--:|\n");
        for c in &comparisons {
            let _ = writeln!(
                out,
                "| {} | {}× | {} |",
                c.name,
                spread_text(Some(c.throughput), 2),
                c.cpu
                    .map(|s| format!("{}×", spread_text(Some(s), 2)))
                    .unwrap_or_else(|| "-".into()),
            );
        }
    }
    out
}

fn scale(s: Spread, by: f64) -> Spread {
    Spread {
        median: s.median * by,
        min: s.min * by,
        max: s.max * by,
        n: s.n,
    }
}

// --- the chart ------------------------------------------------------------------------------

/// The chart's width in pixels: it fits the book's column, and scales down with it.
pub const CHART_WIDTH: f64 = 800.0;

const LABEL_RIGHT: f64 = 300.0;
const RATE_LEFT: f64 = 310.0;
const RATE_BAR_MAX: f64 = 190.0;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(run: u64, server: &str, side: &str, rps: f64, server_cpu_s: f64) -> String {
        serde_json::json!({
            "run": run, "protocol": "grpc", "server": server, "client": "loadgen grpc",
            "side": side, "compare": "lesson 05 vs grpc-go", "load_1m": 0.5 + run as f64,
            "server_cpu_s": server_cpu_s, "client_cpu_s": 1.0,
            "report": {"requests_per_s": rps, "replies_total": 100_000,
                       "latency_us": {"p50": 400.0, "p99": 1000.0}, "errors": 0},
        })
        .to_string()
    }

    fn runs() -> Vec<Measurement> {
        let text = [
            line(1, "l05-grpc", "rust", 60_000.0, 1.3),
            line(1, "grpc-go <1.33>", "go", 40_000.0, 2.0),
            line(2, "l05-grpc", "rust", 72_000.0, 1.2),
            line(2, "grpc-go <1.33>", "go", 45_000.0, 2.2),
            String::new(),
            line(3, "l05-grpc", "rust", 66_000.0, 1.4),
            line(3, "grpc-go <1.33>", "go", 30_000.0, 2.1),
        ]
        .join("\n");
        parse_runs(&text).unwrap()
    }

    #[test]
    fn one_go_row_can_be_set_against_two_of_ours() {
        let both = serde_json::json!(["lesson 05 vs grpc-go", "lesson 05 --fast vs grpc-go"]);
        let mut go: Value = serde_json::from_str(&line(1, "grpc-go", "go", 40_000.0, 2.0)).unwrap();
        go["compare"] = both;
        let mut fast: Value =
            serde_json::from_str(&line(1, "l05-grpc --fast", "rust", 80_000.0, 1.0)).unwrap();
        fast["compare"] = serde_json::json!("lesson 05 --fast vs grpc-go");
        let text = [
            line(1, "l05-grpc", "rust", 60_000.0, 1.3),
            go.to_string(),
            fast.to_string(),
        ];
        let runs = parse_runs(&text.join("\n")).unwrap();
        let ratios: Vec<(String, f64)> = comparisons(&runs)
            .into_iter()
            .map(|c| (c.name, c.throughput.median))
            .collect();
        assert_eq!(
            ratios,
            [
                ("lesson 05 vs grpc-go".to_owned(), 1.5),
                ("lesson 05 --fast vs grpc-go".to_owned(), 2.0)
            ]
        );
    }

    #[test]
    fn a_spread_is_the_median_and_the_extremes() {
        let s = Spread::of([3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.n), (2.0, 1.0, 3.0, 3));
        assert_eq!(Spread::of([4.0, 1.0, 2.0, 3.0]).unwrap().median, 2.5);
        assert_eq!(Spread::of([]), None);
    }

    #[test]
    fn rows_gather_their_runs_and_ratios_are_taken_within_a_run() {
        let runs = runs();
        let rows = rows(&runs);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].server, "l05-grpc");
        assert_eq!(rows[0].requests_per_s.median, 66_000.0);
        assert_eq!(rows[0].requests_per_s.min, 60_000.0);
        let cpu = rows[0].server_us.unwrap();
        assert!((cpu.median - 13.0).abs() < 1e-9, "{cpu:?}");

        let c = &comparisons(&runs)[0];
        assert_eq!(c.name, "lesson 05 vs grpc-go");
        // 1.5, 1.6, 2.2 run by run: not 66 k / 40 k.
        assert!((c.throughput.median - 1.6).abs() < 1e-9, "{c:?}");
        assert!((c.throughput.max - 2.2).abs() < 1e-9, "{c:?}");

        let table = markdown(&runs);
        assert!(table.contains("| 66.0 k (60.0–72.0) |"), "{table}");
        assert!(
            table.contains("| lesson 05 vs grpc-go | 1.60 (1.50–2.20)× |"),
            "{table}"
        );
        assert!(table.contains("median 2.50, 1.50–3.50"), "{table}");
    }

    #[test]
    fn a_run_that_failed_is_named_by_its_line() {
        let err = parse_runs("{\"side\": \"go\", \"report\": {}}").unwrap_err();
        assert!(format!("{err:#}").contains("line 1"), "{err:#}");
    }

    #[test]
    fn the_chart_is_an_svg_with_one_bar_per_row_and_each_panel() {
        let svg = svg(&runs(), "gRPC", "2 CPUs (AMD EPYC) & more");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 800 "), "{svg}");
        assert!(svg.contains("max-width: 100%"));
        // Two rows, each with a bar for requests/s and one for CPU.
        assert_eq!(svg.matches("class=\"bar\"").count(), 4);
        assert_eq!(svg.matches("class=\"whisker\"").count(), 4);
        // Text is escaped: no bare `&` or `<` from the names.
        assert!(svg.contains("grpc-go &lt;1.33&gt;"));
        assert!(svg.contains("AMD EPYC) &amp; more"));
        // Every element that opens is closed (or closes itself).
        let opened = svg.matches('<').count();
        let self_closed = svg.matches("/>").count();
        let closing = svg.matches("</").count();
        assert_eq!(opened, self_closed + 2 * closing, "{svg}");
    }

    #[test]
    fn the_whisker_spans_the_lowest_and_highest_run() {
        let s = Spread::of([50.0, 100.0, 75.0]).unwrap();
        let b = bar(s, 100.0, 10.0, 200.0);
        assert_eq!(b.x, 10.0);
        assert_eq!(b.width, 150.0);
        assert_eq!(b.whisker_from, 110.0);
        assert_eq!(b.whisker_to, 210.0);
        let svg = svg(&runs(), "t", "s");
        // The highest rate (72 k) ends its whisker at the end of the axis.
        assert!(
            svg.contains(&format!("x2=\"{:.1}\"", RATE_LEFT + RATE_BAR_MAX)),
            "{svg}"
        );
    }
}
