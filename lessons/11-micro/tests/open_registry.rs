//! `micro.open-registry`: `--registry consul|etcd|mdns|memory` and `--registry-address`, also from
//! `MICRO_REGISTRY` and `MICRO_REGISTRY_ADDRESS`, in the lesson's binary.

mod program;
mod support;

use std::time::Duration;

use l11_micro::exercises::open_registry::open_registry;
use program::BINARY;
use testkit::{ServerProcess, within};

const TTL: Duration = Duration::from_secs(5);

async fn describe(kind: &str, address: Option<&str>) -> String {
    within("opening a registry", open_registry(kind, address, TTL))
        .await
        .unwrap_or_else(|error| panic!("open_registry({kind:?}, {address:?}) failed: {error:#}"))
        .describe()
}

#[tokio::test]
async fn each_kind_at_its_address() {
    assert_eq!(describe("memory", None).await, "memory");
    assert_eq!(
        describe("consul", Some("127.0.0.1:18500")).await,
        "consul 127.0.0.1:18500"
    );
    assert_eq!(
        describe("etcd", Some("127.0.0.1:2379")).await,
        "etcd 127.0.0.1:2379"
    );
}

#[test]
fn mdns_on_an_interface_or_on_all() {
    // Opening mDNS joins the multicast group: only inside a network namespace of its own.
    if !support::netns::inside("mdns_on_an_interface_or_on_all") {
        return;
    }
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        assert_eq!(describe("mdns", None).await, "mdns");
        assert_eq!(describe("mdns", Some("lo")).await, "mdns on lo");
        assert_eq!(
            describe("mdns", Some("127.0.0.1")).await,
            "mdns on 127.0.0.1"
        );
    });
}

#[tokio::test]
async fn each_kind_at_its_usual_place() {
    assert_eq!(describe("consul", None).await, "consul 127.0.0.1:8500");
    assert_eq!(describe("etcd", None).await, "etcd 127.0.0.1:2379");
}

#[tokio::test]
async fn etcd_takes_every_member() {
    assert_eq!(
        describe(
            "etcd",
            Some("127.0.0.1:2379, 127.0.0.1:3379,127.0.0.1:4379")
        )
        .await,
        "etcd 127.0.0.1:2379,127.0.0.1:3379,127.0.0.1:4379"
    );
}

#[tokio::test]
async fn an_unknown_kind_names_the_choices() {
    let error = within("opening a registry", open_registry("zookeeper", None, TTL))
        .await
        .err()
        .expect("zookeeper is not a registry of this framework");
    let message = format!("{error:#}");
    for word in ["zookeeper", "consul", "etcd", "mdns", "memory"] {
        assert!(
            message.contains(word),
            "the error should name {word:?}: {message}"
        );
    }
}

#[tokio::test]
async fn the_binary_reads_micro_registry() {
    let mut server = ServerProcess::start_with_env(
        BINARY,
        &["server", "--addr", "127.0.0.1:0"],
        &[("MICRO_REGISTRY", "memory")],
        1,
    )
    .await;
    server.logged("in memory").await;
    server.signal("TERM");
    assert!(
        server.exits_within(testkit::PATIENCE).await.success(),
        "{}",
        server.log()
    );
}

#[tokio::test]
async fn the_binary_refuses_an_unknown_registry() {
    let mut command = std::process::Command::new(BINARY);
    command
        .args(["--registry", "zookeeper", "server", "--addr", "127.0.0.1:0"])
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0");
    let output =
        testkit::output_within_async("the binary to give up", command, testkit::PATIENCE).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it should fail: {stderr}");
    assert!(
        stderr.contains("consul, etcd, mdns or memory"),
        "the error should name the choices: {stderr}"
    );
}
