//! The registry, from outside, as an operator sees it: the lesson's binary run as real
//! processes against a real etcd, its keys read with etcd's own client. A server writes
//! rpcx-etcd's three keys on one lease; SIGTERM takes its key away at once; `kill -9`
//! leaves it until the lease ends; a client calls only active servers.

use etcd_client::{Client, GetOptions};
use l13_rpcx::header::Serialize;
use l13_rpcx::registry::discover;
use l13_rpcx::select::RoundRobin;
use l13_rpcx::xclient::{FailMode, XClient};
use micro::registry::etcd::Members;
use testkit::{EtcdCluster, ServerProcess, within};

const BINARY: &str = env!("CARGO_BIN_EXE_l13-rpcx");

/// Each test its own base path, so tests sharing nothing can run at once.
pub(crate) fn base(test: &str) -> String {
    format!("/rpcx/{test}-{}", std::process::id())
}

pub(crate) async fn server(cluster: &EtcdCluster, base: &str, extra: &[&str]) -> ServerProcess {
    let endpoints = cluster.endpoints().join(",");
    let mut args = vec![
        "server",
        "--addr",
        "127.0.0.1:0",
        "--etcd",
        &endpoints,
        "--base-path",
        base,
    ];
    args.extend_from_slice(extra);
    let server = ServerProcess::start(BINARY, &args, 1).await;
    server.logged("registered").await;
    server
}

/// Every key under `prefix`, with its value and lease, in key order.
async fn keys(cluster: &EtcdCluster, prefix: &str) -> Vec<(String, String, i64)> {
    let mut client = Client::connect(cluster.endpoints(), None)
        .await
        .expect("connect to etcd");
    let answer = client
        .get(prefix, Some(GetOptions::new().with_prefix()))
        .await
        .expect("list the keys");
    answer
        .kvs()
        .iter()
        .map(|kv| {
            (
                kv.key_str().unwrap().to_string(),
                kv.value_str().unwrap().to_string(),
                kv.lease(),
            )
        })
        .collect()
}

/// Waits, a watch event at a time, until no key of `prefix` is left.
async fn until_gone(cluster: &EtcdCluster, key: &str) {
    let mut client = Client::connect(cluster.endpoints(), None)
        .await
        .expect("connect to etcd");
    let mut events = client.watch(key, None).await.expect("watch the key");
    if client
        .get(key, None)
        .await
        .expect("read the key")
        .kvs()
        .is_empty()
    {
        return;
    }
    testkit::within("the key's deletion", async {
        while let Some(answer) = events.message().await.expect("the watch") {
            if answer
                .events()
                .iter()
                .any(|event| event.event_type() == etcd_client::EventType::Delete)
            {
                return;
            }
        }
    })
    .await
}

#[tokio::test]
async fn a_server_writes_rpcxs_keys_on_one_lease_and_sigterm_removes_them() {
    let cluster = testkit::etcd_cluster(1).await;
    let base = base("sigterm");
    let mut server = server(&cluster, &base, &["--metadata", "weight=3"]).await;
    let node = format!("{base}/Arith/tcp@{}", server.addr());
    let written = keys(&cluster, &base).await;
    let layout: Vec<(&str, &str)> = written
        .iter()
        .map(|(k, v, _)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        layout,
        [
            (base.as_str(), "rpcx_path"),
            (&format!("{base}/Arith"), "Arith"),
            (&node, "weight=3")
        ],
        "rpcx-etcd's three keys"
    );
    let leases: Vec<i64> = written.iter().map(|(_, _, lease)| *lease).collect();
    assert!(
        leases[0] != 0 && leases.iter().all(|lease| *lease == leases[0]),
        "one lease for all three: {leases:?}"
    );

    server.signal("TERM");
    server.logged(&format!("deregistered {node}")).await;
    server.exits_cleanly_within(testkit::PATIENCE).await;
    assert_eq!(
        keys(&cluster, &base).await,
        [],
        "SIGTERM leaves nothing behind: the lease is revoked"
    );
}

#[tokio::test]
async fn a_killed_server_stays_until_its_lease_ends() {
    let cluster = testkit::etcd_cluster(1).await;
    let base = base("killed");
    let mut server = server(&cluster, &base, &["--ttl", "2s"]).await;
    let node = format!("{base}/Arith/tcp@{}", server.addr());
    let lease = keys(&cluster, &node).await[0].2;
    let mut client = Client::connect(cluster.endpoints(), None).await.unwrap();
    let granted = client
        .lease_time_to_live(lease, None)
        .await
        .unwrap()
        .granted_ttl();
    assert_eq!(granted, 2, "the lease is --ttl long");

    server.signal("KILL");
    server.exits_within(testkit::PATIENCE).await;
    assert_eq!(
        keys(&cluster, &node).await.len(),
        1,
        "right after kill -9 the key is still there"
    );
    within(
        "the lease to end and take the key",
        until_gone(&cluster, &node),
    )
    .await;
}

#[tokio::test]
async fn a_client_calls_only_active_servers_and_follows_them() {
    let cluster = testkit::etcd_cluster(1).await;
    let base = base("follow");
    let active = server(&cluster, &base, &[]).await;
    let _inactive = server(&cluster, &base, &["--metadata", "state=inactive"]).await;
    let members = Members::connect(&cluster.endpoints()).await.unwrap();
    let mut servers = discover(&members, &base, "Arith")
        .await
        .expect("watch the servers");
    within(
        "both servers in the watch",
        servers.wait_for(|nodes| nodes.len() == 2),
    )
    .await
    .unwrap();
    let client = XClient::new(
        "Arith",
        servers.clone(),
        FailMode::Failfast,
        Box::new(RoundRobin::default()),
        Serialize::MsgPack,
    );
    for _ in 0..6 {
        let answered = client
            .call::<_, i64>("Mul", &l13_rpcx::arith::Args { a: 2, b: 3 })
            .await
            .expect("a call");
        assert_eq!(
            answered.by,
            active.addr().to_string(),
            "only the active server is called"
        );
    }
    active.signal("TERM");
    within(
        "the watch to drop the stopped server",
        servers.wait_for(|nodes| nodes.len() == 1),
    )
    .await
    .unwrap();
    let error = client
        .call::<_, i64>("Mul", &l13_rpcx::arith::Args { a: 2, b: 3 })
        .await
        .expect_err("no active server");
    assert_eq!(error.to_string(), "no server of Arith is registered");
}
