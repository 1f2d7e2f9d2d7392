//! How fast is discovery against the development agent, and what do parked blocking
//! queries cost?
//!
//! ```text
//! cargo run -p devconsul --release --example bench
//! ```
//!
//! 1. registers 1 000 services, each with a passing TTL check;
//! 2. times `GET /v1/health/service/NAME?passing` (sequential, keep-alive) and prints
//!    p50/p99/max;
//! 3. parks 200 blocking health queries, prints the process's RSS before and while they
//!    wait, times the same reads again with them parked, then changes the service they
//!    watch and times how long until all 200 have answered.
//!
//! Client and agent share this process, so the RSS includes the client's connections.

use std::time::{Duration, Instant};

use devconsul::{Agent, Config};
use hdrhistogram::Histogram;
use serde_json::json;

const SERVICES: usize = 1_000;
const REQUESTS: usize = 5_000;
const BLOCKED: usize = 200;

/// The resident set size of this process, from `/proc/self/status`.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

async fn time_reads(client: &reqwest::Client, url: &str) -> Histogram<u64> {
    let mut histogram = Histogram::<u64>::new(3).unwrap();
    for _ in 0..REQUESTS {
        let started = Instant::now();
        let response = client.get(url).send().await.unwrap();
        assert!(response.status().is_success());
        let body = response.bytes().await.unwrap();
        assert!(body.len() > 2, "the instance is listed");
        histogram
            .record(started.elapsed().as_micros() as u64)
            .unwrap();
    }
    histogram
}

fn report(what: &str, histogram: &Histogram<u64>) {
    println!(
        "{what}: n={} p50={}µs p99={}µs max={}µs",
        histogram.len(),
        histogram.value_at_quantile(0.50),
        histogram.value_at_quantile(0.99),
        histogram.max()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config {
        http_addr: "127.0.0.1:0".parse()?,
        ..Config::default()
    };
    let agent = Agent::start(config).await?;
    let base = agent.url();
    let client = reqwest::Client::new();
    println!("agent on {base}; RSS at start {} KiB", rss_kib());

    let started = Instant::now();
    for i in 0..SERVICES {
        let body = json!({
            "Name": format!("svc-{i}"), "ID": format!("svc-{i}-1"), "Port": 10_000 + i, "Tags": ["bench"],
            "Check": {"TTL": "10m", "Status": "passing"}
        });
        let response = client
            .put(format!("{base}/v1/agent/service/register"))
            .body(body.to_string())
            .send()
            .await?;
        assert!(response.status().is_success());
    }
    println!(
        "registered {SERVICES} services in {:?}; RSS {} KiB",
        started.elapsed(),
        rss_kib()
    );

    let url = format!("{base}/v1/health/service/svc-500?passing");
    time_reads(&client, &url).await; // warm up
    let quiet = time_reads(&client, &url).await;
    report("GET /v1/health/service/svc-500?passing", &quiet);

    let index: u64 = client.get(&url).send().await?.headers()["X-Consul-Index"]
        .to_str()?
        .parse()?;
    let rss_before = rss_kib();
    let mut waiting = Vec::new();
    for _ in 0..BLOCKED {
        // Concurrent requests each get their own connection from the client's pool.
        let client = client.clone();
        let url = format!("{url}&index={index}&wait=60s");
        waiting.push(tokio::spawn(async move {
            let response = client.get(&url).send().await.unwrap();
            let answered = Instant::now();
            assert!(response.status().is_success());
            answered
        }));
    }
    // Give the queries time to arrive and park (a benchmark may wait; a test may not).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_during = rss_kib();
    println!(
        "RSS before the blocking queries {rss_before} KiB, with {BLOCKED} parked {rss_during} KiB"
    );
    let busy = time_reads(&client, &url).await;
    report(&format!("the same, with {BLOCKED} queries parked"), &busy);
    assert!(
        waiting.iter().all(|task| !task.is_finished()),
        "the queries are still parked"
    );

    let changed = Instant::now();
    let response = client
        .put(format!("{base}/v1/agent/check/warn/service:svc-500-1"))
        .send()
        .await?;
    assert!(response.status().is_success());
    let mut slowest = Duration::ZERO;
    for task in waiting {
        slowest = slowest.max(task.await?.duration_since(changed));
    }
    println!(
        "all {BLOCKED} blocked queries answered {slowest:?} after the change; RSS {} KiB",
        rss_kib()
    );

    agent.shutdown().await;
    Ok(())
}
