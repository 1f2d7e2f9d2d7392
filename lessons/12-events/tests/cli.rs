//! The lesson's program as a script runs it: `cargo test -p l12-events --test main cli::`.
//!
//! A publisher whose broker or registry does not answer says what is missing and how to
//! start it, and exits with a failure; one whose reader has gone (`publish … | head -0`)
//! ends quietly, as `cat` does.

use crate::support;

use support::{BINARY, unique_topic};
use testkit::tool::{ends_quietly_when_output_is_cut, fails, nothing_listens};

#[tokio::test]
async fn a_publisher_with_no_nats_says_so_and_exits_with_failure() {
    let nowhere = nothing_listens();
    let args = [
        "--broker",
        "nats",
        "--broker-address",
        &nowhere,
        "publish",
        "t",
        "m",
    ];
    let said = fails(BINARY, &args, &[]).await;
    assert!(
        said.contains(&format!("cannot connect to NATS at {nowhere}"))
            && said.contains("cargo run -p workbook -- services up"),
        "it says no NATS answers, and how to start one:\n{said}"
    );
}

#[tokio::test]
async fn a_publisher_whose_consul_does_not_answer_says_so_and_exits_with_failure() {
    let nowhere = nothing_listens();
    let args = ["--registry-address", &nowhere, "publish", "t", "m"];
    let said = fails(BINARY, &args, &[]).await;
    assert!(
        said.contains(&format!("no Consul agent answers at http://{nowhere}"))
            && said.contains("cargo run -p workbook -- services up"),
        "it says no Consul agent answers, and how to start one:\n{said}"
    );
}

#[tokio::test]
async fn publish_ends_quietly_when_its_output_is_cut() {
    // `publish TOPIC MESSAGE | head -0`, on the HTTP broker over a registry of the
    // process's own: nothing else is needed for it to print its line.
    let topic = unique_topic("cut");
    let args = ["--registry", "memory", "publish", &topic, "m"];
    ends_quietly_when_output_is_cut(BINARY, &args, &[]).await;
}
