//! How long a killed instance keeps its place, and what that costs the callers:
//! `cargo bench -p l11-micro --bench failover`.
//!
//! For Consul (a TTL check, read with blocking queries) and etcd (a lease, read with a
//! watch), with a short and the default registration TTL: three `l11-micro server`
//! processes, a client calling them every 10 ms, and one of them killed with SIGKILL — no
//! deregistration, the registry must find out by itself. Printed: how long until the
//! client's list of nodes dropped it, the calls made meanwhile, and how many of those
//! failed (none should: a call that reaches the dead node is retried on another).
//!
//! A real Consul and etcd come from testkit, as in the tests: the embedded agent (or
//! `CONSUL_HTTP_ADDR`) and a private three-member etcd cluster.

use std::sync::Arc;
use std::time::{Duration, Instant};

use micro::client::MicroClient;
use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use micro::registry::etcd::EtcdRegistry;
use micro::selector::RoundRobin;
use testkit::ServerProcess;

const SERVER: &str = env!("CARGO_BIN_EXE_l11-micro");
const SERVICE: &str = "failover";

/// One run: three instances registered with `ttl`, one killed; the numbers it gave.
async fn one_run(kind: &str, address: &str, registry: Arc<dyn Registry>, ttl: &str) {
    let service = format!("{SERVICE}-{kind}-{ttl}");
    let mut instances = Vec::new();
    for _ in 0..3 {
        let args = [
            "--registry",
            kind,
            "--registry-address",
            address,
            "--registry-ttl",
            ttl,
            "server",
            "--addr",
            "127.0.0.1:0",
            "--name",
            &service,
        ];
        let server = ServerProcess::start(SERVER, &args, 1).await;
        server.logged("registered").await;
        instances.push(server);
    }
    let client = MicroClient::new(registry, Box::new(RoundRobin::default()));
    while client.nodes(&service).await.expect("the registry").len() < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    instances[0].signal("KILL");
    let killed = Instant::now();
    let (mut calls, mut failed) = (0, 0);
    while client.nodes(&service).await.expect("the registry").len() == 3 {
        calls += 1;
        if let Err(status) = client.say_hello(&service, "bench").await {
            eprintln!("{kind}, {ttl}: a call failed: {status:?}");
            failed += 1;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let dropped = killed.elapsed();
    println!(
        "| {kind:<6} | {ttl:>4} | {:>5.2} s | {calls:>5} | {failed:>6} |",
        dropped.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    println!("| registry | TTL | dropped after | calls meanwhile | failed |");
    println!("|---|---:|---:|---:|---:|");
    let agent = testkit::consul().await;
    for ttl in ["1s", "10s"] {
        let registry = ConsulRegistry::new(agent.url(), Duration::from_secs(1)).unwrap();
        one_run("consul", agent.url(), Arc::new(registry), ttl).await;
    }
    let cluster = testkit::etcd_cluster(3).await;
    let endpoints = cluster.endpoints();
    for ttl in ["1s", "10s"] {
        let registry = EtcdRegistry::connect(&endpoints, Duration::from_secs(1))
            .await
            .expect("the etcd cluster");
        one_run("etcd", &endpoints.join(","), Arc::new(registry), ttl).await;
    }
}
