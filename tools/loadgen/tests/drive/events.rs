//! `loadgen events` against lesson 12's brokers: a private nats-server (testkit), and the
//! http broker over a registry in memory. Short runs: a few hundred messages.

use std::sync::Arc;

use loadgen::events::tally::EventsReport;
use loadgen::events::{EventsOptions, run};
use micro::broker::flags::BrokerFlags;
use micro::registry::memory::MemoryRegistry;

fn options(broker: &str, address: Option<String>) -> EventsOptions {
    EventsOptions {
        broker: BrokerFlags {
            name: broker.into(),
            address,
        },
        registry: None,
        messages: 300,
        warmup: 20,
        concurrency: 8,
        rate: None,
    }
}

/// Every message published is delivered once, and the report says so consistently.
fn assert_all_delivered_once(run: &EventsReport) {
    let c = run.counts;
    assert_eq!(c.messages, 320, "warm-up and measured messages:\n{run}");
    assert_eq!(
        c.delivered + c.lost,
        c.messages,
        "the counts add up:\n{run}"
    );
    assert_eq!(
        (c.lost, c.doubled),
        (0, 0),
        "none lost, none doubled:\n{run}"
    );
    assert_eq!(run.not_published, 0, "{run}");
    let report = &run.report;
    assert_eq!(report.errors(), 0, "{run}");
    assert_eq!(
        report.requests(),
        300,
        "the warm-up is not measured:\n{run}"
    );
    assert!(report.requests_per_second() > 0.0, "{run}");
    let p50 = report.latency(0.5);
    assert!(!p50.is_zero() && p50 <= report.max_latency(), "{run}");
}

#[tokio::test]
async fn every_message_on_nats_core_reaches_a_live_subscriber_once() {
    let server = testkit::nats().await;
    let run = testkit::within("the events run", run(&options("nats", Some(server.url()))))
        .await
        .expect("the run starts");
    assert_all_delivered_once(&run);
    let json = run.to_json();
    assert_eq!(json["protocol"], "events");
    assert_eq!(json["requests"], 300);
    assert_eq!(json["messages"], 320);
    assert_eq!(json["delivered"], 320);
    assert_eq!(json["lost"], 0);
    assert_eq!(json["doubled"], 0);
    assert!(json["latency_us"]["p99"].as_f64().unwrap() > 0.0, "{json}");
    let text = run.to_string();
    assert!(text.contains("delivered 300 = "), "{text}");
    assert!(
        text.contains("320 published: 320 delivered, 0 lost, 0 doubled"),
        "{text}"
    );
}

#[tokio::test]
async fn the_http_broker_delivers_every_message_through_a_registry() {
    let mut options = options("http", None);
    options.registry = Some(Arc::new(MemoryRegistry::new()));
    let run = testkit::within("the events run", run(&options))
        .await
        .expect("the run starts");
    assert_all_delivered_once(&run);
    assert!(run.report.info.addr.starts_with("http"), "{run}");
}

#[tokio::test]
async fn the_binary_reports_json_and_a_server_elsewhere_is_refused() {
    let server = testkit::nats().await;
    let url = server.url();
    let args = [
        "events",
        "--broker",
        "nats",
        "--broker-address",
        &url,
        "--messages",
        "200",
    ];
    let output = crate::cli::loadgen(&[&args[..], &["--warmup", "10", "--json"]].concat()).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(
        (json["messages"].as_u64(), json["lost"].as_u64()),
        (Some(210), Some(0))
    );

    let far = [
        "events",
        "--broker",
        "nats",
        "--broker-address",
        "nats://10.0.0.1:4222",
    ];
    let output = crate::cli::loadgen(&far).await;
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("refusing to send load"), "{message}");
}

#[tokio::test]
async fn a_nats_server_that_is_not_there_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("nats://{}", listener.local_addr().unwrap());
    drop(listener);
    let args = ["events", "--broker", "nats", "--broker-address", &url];
    let output = crate::cli::loadgen(&args).await;
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("cannot connect to NATS"), "{message}");
}
