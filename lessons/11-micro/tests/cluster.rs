//! The seed's demo as tests: three instances of the lesson's binary on a three-member etcd
//! cluster, a client that calls them in turn, an instance killed, a member stopped.

use crate::program;
use crate::support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use micro::client::MicroClient;
use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use micro::registry::etcd::EtcdRegistry;
use micro::selector::RoundRobin;
use program::BINARY;
use support::{tally, unique_service};
use testkit::{EtcdCluster, ServerProcess, within};

async fn instance(registry: &str, address: &str, service: &str) -> ServerProcess {
    instance_with_ttl(registry, address, service, "1s").await
}

/// [`instance`], its registration held by a lease of `ttl` (renewed three times a lease).
async fn instance_with_ttl(
    registry: &str,
    address: &str,
    service: &str,
    ttl: &str,
) -> ServerProcess {
    let args = [
        "--registry",
        registry,
        "--registry-address",
        address,
        "--registry-ttl",
        ttl,
    ];
    let args: Vec<&str> = args
        .into_iter()
        .chain(["server", "--addr", "127.0.0.1:0", "--name", service])
        .collect();
    let server = ServerProcess::start(BINARY, &args, 1).await;
    server.logged("registered").await;
    server
}

async fn etcd_client(cluster: &EtcdCluster) -> MicroClient {
    let registry = EtcdRegistry::connect(&cluster.endpoints(), Duration::from_secs(1))
        .await
        .unwrap();
    MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()))
}

/// Makes `calls` calls; every one must succeed. The node ids that answered.
async fn call_all(client: &MicroClient, service: &str, calls: usize) -> Vec<String> {
    let mut answered = Vec::new();
    for n in 0..calls {
        let (node, _) = within("a call", client.say_hello(service, "Ada"))
            .await
            .unwrap_or_else(|status| panic!("call {n} failed: {status:?}"));
        answered.push(node.id);
    }
    answered
}

/// Waits until the client's view of `service` has `count` nodes; how long that took.
async fn until_nodes(client: &MicroClient, service: &str, count: usize) -> Duration {
    let started = Instant::now();
    within("the registry to report the change", async {
        while client.nodes(service).await.unwrap().len() != count {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    started.elapsed()
}

#[tokio::test]
async fn three_instances_take_turns_and_one_killed_is_dropped() {
    let cluster = testkit::etcd_cluster(3).await;
    let address = cluster.endpoints().join(",");
    let service = unique_service("demo");
    let mut instances = Vec::new();
    for _ in 0..3 {
        instances.push(instance("etcd", &address, &service).await);
    }
    let client = etcd_client(&cluster).await;
    until_nodes(&client, &service, 3).await;
    let counts = tally(
        call_all(&client, &service, 30)
            .await
            .iter()
            .map(String::as_str),
    );
    let spread: Vec<usize> = counts.values().copied().collect();
    assert_eq!(spread.len(), 3, "every instance should answer: {counts:?}");
    assert!(
        spread.iter().max().unwrap() - spread.iter().min().unwrap() <= 1,
        "round-robin: {counts:?}"
    );

    // kill -9: no deregistration; the lease (1 s) runs out and etcd deletes the key.
    instances[0].signal("KILL");
    let gone = until_nodes(&client, &service, 2).await;
    eprintln!("etcd: the killed instance left every client's list {gone:?} after SIGKILL");
    let counts = tally(
        call_all(&client, &service, 30)
            .await
            .iter()
            .map(String::as_str),
    );
    assert_eq!(
        counts.len(),
        2,
        "only the two live instances answer: {counts:?}"
    );
}

#[tokio::test]
async fn a_stopped_member_does_not_stop_the_service() {
    let mut cluster = testkit::etcd_cluster(3).await;
    let address = cluster.endpoints().join(",");
    let service = unique_service("quorum");
    // Leases of 3 s, renewed every second: a busy machine that stalls an instance for a
    // moment does not let its lease run out, and a lease whose renewals went nowhere would
    // run out within the 6 s watched below.
    let _first = instance_with_ttl("etcd", &address, &service, "3s").await;
    let client = etcd_client(&cluster).await;
    until_nodes(&client, &service, 1).await;

    // The first member is where every client starts; two of three keep the quorum.
    cluster.kill_member(0);
    let _second = instance_with_ttl("etcd", &address, &service, "3s").await;
    until_nodes(&client, &service, 2).await;
    let counts = tally(
        call_all(&client, &service, 20)
            .await
            .iter()
            .map(String::as_str),
    );
    assert_eq!(
        counts.len(),
        2,
        "both instances answer with one member down: {counts:?}"
    );
    // Leases are still renewed through the other members: nobody expires.
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(6) {
        assert_eq!(
            client.nodes(&service).await.unwrap().len(),
            2,
            "an instance expired after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn sigterm_leaves_at_once() {
    let cluster = testkit::etcd_cluster(3).await;
    let service = unique_service("leave");
    let mut server = instance("etcd", &cluster.endpoints().join(","), &service).await;
    let registry = EtcdRegistry::connect(&cluster.endpoints(), Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(registry.get_service(&service).await.unwrap().len(), 1);
    server.signal("TERM");
    assert!(
        server.exits_within(testkit::PATIENCE).await.success(),
        "{}",
        server.log()
    );
    assert_eq!(
        registry.get_service(&service).await.unwrap().len(),
        0,
        "deregistered before exiting"
    );
}

#[tokio::test]
async fn consul_drops_a_killed_instance_when_its_ttl_check_fails() {
    let agent = testkit::consul().await;
    let service = unique_service("consul-demo");
    let mut instances = Vec::new();
    for _ in 0..3 {
        instances.push(instance("consul", agent.url(), &service).await);
    }
    let registry = ConsulRegistry::new(agent.url(), Duration::from_secs(1)).unwrap();
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()));
    until_nodes(&client, &service, 3).await;
    let counts = tally(
        call_all(&client, &service, 30)
            .await
            .iter()
            .map(String::as_str),
    );
    assert_eq!(
        counts.values().copied().collect::<Vec<_>>(),
        [10, 10, 10],
        "{counts:?}"
    );

    instances[0].signal("KILL");
    let gone = until_nodes(&client, &service, 2).await;
    eprintln!("consul: the killed instance left every client's list {gone:?} after SIGKILL");
    let counts = tally(
        call_all(&client, &service, 30)
            .await
            .iter()
            .map(String::as_str),
    );
    assert_eq!(counts.len(), 2, "{counts:?}");
}
