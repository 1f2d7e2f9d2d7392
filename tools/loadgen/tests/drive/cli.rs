//! The `loadgen` binary: what it refuses, and its `--json` report.

use std::process::{Command, Output};

use crate::common::line_server;

/// Runs the `loadgen` binary with `args` (off the async runtime, which serves the test's
/// server meanwhile).
pub async fn loadgen(args: &[&str]) -> Output {
    let mut loadgen = Command::new(env!("CARGO_BIN_EXE_loadgen"));
    loadgen.args(args);
    let what = format!("`loadgen {}`", args.join(" "));
    testkit::output_within_async(&what, loadgen, testkit::PATIENCE).await
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_remote_address_is_refused_with_a_clear_message() {
    let output = loadgen(&["rpc", "--addr", "10.0.0.1:7002"]).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("refusing to send load to 10.0.0.1:7002"),
        "{message}"
    );
    assert!(message.contains("only targets this machine"), "{message}");
}

#[tokio::test]
async fn a_run_over_five_minutes_is_refused() {
    let output = loadgen(&["echo", "--duration", "6m"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("at most 300s"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn a_server_that_is_not_there_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let output = loadgen(&["jsonrpc", "--addr", &addr]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is the server running?"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn json_output_reports_requests_latency_and_errors() {
    let addr = line_server(|line| Some(line.to_owned())).await.to_string();
    let args = [
        "echo",
        "--addr",
        &addr,
        "--connections",
        "2",
        "--warmup",
        "0s",
        "--duration",
        "200ms",
        "--json",
    ];
    let output = loadgen(&args).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["protocol"], "echo");
    assert_eq!(report["connections"], 2);
    assert_eq!(report["errors"], 0);
    let requests = report["requests"].as_u64().unwrap();
    assert!(requests > 0, "{report}");
    assert!(
        report["replies_total"].as_u64().unwrap() >= requests,
        "{report}"
    );
    assert!(
        report["latency_us"]["p99"].as_f64().unwrap() > 0.0,
        "{report}"
    );
}

#[tokio::test]
async fn errors_make_the_exit_code_two() {
    let addr = line_server(|_| Some("nonsense".into())).await.to_string();
    let args = [
        "echo",
        "--addr",
        &addr,
        "--connections",
        "1",
        "--warmup",
        "0s",
        "--duration",
        "100ms",
    ];
    let output = loadgen(&args).await;
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("wrong reply"), "{text}");
}

#[tokio::test]
async fn report_prints_the_tables_and_writes_the_chart() {
    let dir = std::env::temp_dir().join(format!("loadgen-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let runs = dir.join("runs.jsonl");
    let chart = dir.join("chart.svg");
    let line = |run: u32, server: &str, side: &str, rps: u32| {
        serde_json::json!({
            "run": run, "protocol": "rpc", "server": server, "client": "loadgen rpc",
            "side": side, "compare": "ours vs Go", "load_1m": 0.3,
            "server_cpu_s": 1.0, "client_cpu_s": 1.0,
            "report": {"requests_per_s": rps, "replies_total": 100_000, "errors": 0,
                       "latency_us": {"p50": 200.0, "p99": 400.0}},
        })
        .to_string()
    };
    let text = [
        line(1, "l02-rpc", "rust", 150_000),
        line(1, "Go net/rpc", "go", 100_000),
        line(2, "l02-rpc", "rust", 140_000),
        line(2, "Go net/rpc", "go", 70_000),
    ]
    .join("\n");
    std::fs::write(&runs, text).unwrap();

    let output = loadgen(&[
        "report",
        runs.to_str().unwrap(),
        "--svg",
        chart.to_str().unwrap(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout.contains("| rpc | l02-rpc | loadgen rpc | 145.0 k (140.0–150.0) |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| ours vs Go | 1.75 (1.50–2.00)× |"),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    assert_eq!(svg.matches("class=\"bar\"").count(), 4, "{svg}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn report_names_a_file_it_cannot_read() {
    let output = loadgen(&["report", "/nonexistent/runs.jsonl"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot read /nonexistent/runs.jsonl"),
        "{}",
        stderr(&output)
    );
}

/// Built without lesson 12 (the default), `loadgen events` says how to get it.
#[cfg(not(feature = "events"))]
#[tokio::test]
async fn events_without_the_feature_says_how_to_build_it() {
    let output = loadgen(&["events", "--broker", "nats", "--messages", "10"]).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("--features events"), "{message}");
}
