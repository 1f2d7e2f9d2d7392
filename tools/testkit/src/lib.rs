//! What the course's tests share.
//!
//! Tests talk to real servers over real sockets, so anything a test waits for might never
//! come: the learner's stub panicked, or a reply was lost. `within` turns such a wait into
//! a clear failure after a few seconds instead of a test run that hangs.
//!
//! The Consul, Redis, etcd and NATS lessons also need a registry, a store or a broker to
//! talk to. [`consul`], [`redis`], [`etcd_cluster`] and [`nats`] hand each test one, on free loopback ports,
//! and take it down again when the test drops the guard they return: nothing a test starts
//! outlives it.
//!
//! Where a lesson is about processes (signals, exit status), [`ServerProcess`] runs the
//! lesson's own binary and watches it from outside, and [`catalog`] waits, with blocking
//! queries, for what the agent then shows: an instance listed, passing, critical, gone.
//! [`tool`] runs a lesson's program to its end as a script would: a client that failed
//! must exit with a failure, and a program whose reader has gone must end quietly.
//! [`bytes::same_bytes`] compares bytes as a learner can read the difference.
//! [`output_within`] runs a program to its end as `Command::output` does, but kills it
//! past a deadline and fails with what it printed so far.
//! [`netns`] runs a test in a network namespace whose only interface is its loopback.
//! [`hang`] names what a test was waiting for, and stops what it started, when the test
//! runner ends it by its deadline.
//!
//! The `programs` crate (tools/programs) finds what the course starts but does not ship
//! (Redis, Consul, etcd, NATS, Chromium); with the `browser` feature [`browser`] (the `headless`
//! crate) drives headless Chromium. With the `grpc` feature, [`grpc`] watches a gRPC server's health.
//! With the `prometheus` feature, [`prometheus()`] starts a private Prometheus (lesson 15).
//! With the `tls` feature, [`tls::Ca`] issues certificates as lesson 16's CA does.

#[cfg(feature = "browser")]
pub use headless as browser;
pub mod bytes;
#[cfg(feature = "consul")]
pub mod catalog;
#[cfg(feature = "consul")]
mod consul;
pub mod deadline;
mod etcd;
#[cfg(feature = "grpc")]
pub mod grpc;
pub mod hang;
#[cfg(feature = "nats")]
mod nats;
pub mod netns;
pub mod output;
mod ports;
mod process;
#[cfg(feature = "prometheus")]
mod prometheus;
pub mod ran;
mod redis;
mod server;
#[cfg(feature = "tls")]
pub mod tls;
pub mod tool;

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[cfg(feature = "consul")]
pub use consul::{ConsulAgent, ConsulKind, consul};
pub use etcd::{EtcdCluster, EtcdMember, etcd_cluster};
#[cfg(feature = "nats")]
pub use nats::{NatsServer, nats};
pub use output::{
    child_output_within, child_output_within_async, interrupt_within, output_within,
    output_within_async,
};
pub use ports::free_ports_in_a_row;
pub use process::{ReservedPort, http_get, read_to_end_within};
#[cfg(feature = "prometheus")]
pub use prometheus::{
    PrometheusApi, PrometheusServer, prometheus, prometheus_installed, prometheus_missing,
    promtool_check_metrics, promtool_test_rules, query_encoded,
};
pub use redis::{RedisServer, redis};
pub use server::ServerProcess;

/// How long a test waits for one step before it calls the step failed: [`deadline::STEP`],
/// under the name the tests know it by.
pub const PATIENCE: Duration = deadline::STEP;

/// Waits for `step` for at most [`PATIENCE`], or panics naming `what` was awaited.
///
/// ```
/// # async fn example(mut lines: tokio::io::Lines<tokio::io::BufReader<tokio::net::TcpStream>>) {
/// let reply = testkit::within("the echo of the first line", lines.next_line()).await;
/// # }
/// ```
pub async fn within<T>(what: &str, step: impl Future<Output = T>) -> T {
    let _waiting = hang::waiting_for(what);
    match tokio::time::timeout(PATIENCE, step).await {
        Ok(value) => value,
        Err(_) => panic!("gave up after {PATIENCE:?} waiting for {what}"),
    }
}

/// How many cases a property test tries: `default` (small, so CI stays quick), or what the
/// environment variable `PROPTEST_CASES` says, for a long run:
/// `PROPTEST_CASES=100000 cargo test -p l02-rpc --test main properties:: --release`.
pub fn proptest_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(default)
}

/// `PID-N`, new at each call: it tells apart the files, folders and names of every test,
/// of this process and of the others sharing the machine.
pub(crate) fn unique_suffix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{}-{n}", std::process::id())
}
