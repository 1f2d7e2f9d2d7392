//! The report's own tests: medians and spreads, the ratios, the table and the chart.

use super::chart::{RATE_BAR_MAX, RATE_LEFT};
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
    let both = serde_json::json!(["lesson 05 vs grpc-go", "grpc-fast vs grpc-go"]);
    let mut go: Value = serde_json::from_str(&line(1, "grpc-go", "go", 40_000.0, 2.0)).unwrap();
    go["compare"] = both;
    let mut fast: Value =
        serde_json::from_str(&line(1, "grpc-fast", "rust", 80_000.0, 1.0)).unwrap();
    fast["compare"] = serde_json::json!("grpc-fast vs grpc-go");
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
            ("grpc-fast vs grpc-go".to_owned(), 2.0)
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
fn events_rows_are_a_table_of_messages_of_their_own() {
    let mut event: Value =
        serde_json::from_str(&line(1, "nats-server", "rust", 100_000.0, 0.6)).unwrap();
    event["protocol"] = "events".into();
    event["client"] = "loadgen events".into();
    let text = [
        line(1, "l05-grpc", "rust", 60_000.0, 1.3),
        event.to_string(),
    ]
    .join("\n");
    let table = markdown(&parse_runs(&text).unwrap());
    let (requests, events) = table.split_once("Events:").expect(&table);
    assert!(
        requests.contains("| req/s |") && requests.contains("| grpc | l05-grpc |"),
        "{table}"
    );
    assert!(!requests.contains("nats-server"), "{table}");
    assert!(
        events.contains("| msg/s |")
            && events.contains("| events | nats-server | loadgen events | 100.0 k |"),
        "{table}"
    );
    assert!(!events.contains("req/s"), "{table}");
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
