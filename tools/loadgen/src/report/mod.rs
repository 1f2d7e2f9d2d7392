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

use anyhow::{Context as _, bail};
use serde_json::Value;
use std::fmt::Write as _;

mod chart;

pub use chart::{Bar, bar, svg};

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
    // Lesson 12's rows count messages from publish to delivery, not requests and replies:
    // a table of their own, under their own words.
    let (events, requests): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| r.protocol == "events");
    if !requests.is_empty() {
        out.push('\n');
        out.push_str(
            "| protocol | server | load generator | req/s | p50 ms | p99 ms | errors | server µs/req | client µs/req |\n",
        );
        table_rows(&mut out, &requests);
    }
    if !events.is_empty() {
        out.push_str(
            "\nEvents: messages delivered a second, latency from publish to delivery, and CPU \
             time per delivered message.\n\n",
        );
        out.push_str(
            "| protocol | broker | publisher and subscriber | msg/s | p50 ms | p99 ms | lost, doubled or refused | broker µs/msg | client µs/msg |\n",
        );
        table_rows(&mut out, &events);
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

/// A table's alignment line and its rows: medians with their spread.
fn table_rows(out: &mut String, rows: &[&Row]) {
    out.push_str("|---|---|---|--:|--:|--:|--:|--:|--:|\n");
    for r in rows {
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
}

fn scale(s: Spread, by: f64) -> Spread {
    Spread {
        median: s.median * by,
        min: s.min * by,
        max: s.max * by,
        n: s.n,
    }
}

#[cfg(test)]
mod tests;
