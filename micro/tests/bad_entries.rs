//! Bad data under the registry's etcd prefix: anyone can write there. Big garbage values do
//! not push a listing over gRPC's 4 MiB message limit, and one bad entry never hides the good
//! ones. (A node's own key overwritten or deleted is written back:
//! `lessons/11-micro/tests/keep_lease.rs`.)

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Greeter, etcd_until_ok, hostile_calls, unique_service};
use etcd_client::Client;
use micro::client::MicroClient;
use micro::registry::Registry;
use micro::registry::etcd::EtcdRegistry;
use micro::registry::etcd::keys::service_prefix;
use micro::selector::RoundRobin;
use testkit::within;

/// Puts `key` = `value` with a plain client.
async fn put(client: &Client, key: &str, value: Vec<u8>) {
    etcd_until_ok("put", || {
        let (mut client, value) = (client.clone(), value.clone());
        async move { client.put(key, value, None).await }
    })
    .await;
}

#[tokio::test]
async fn five_big_garbage_values_do_not_hide_the_service() {
    let cluster = testkit::etcd_cluster(3).await;
    let service = unique_service("garbage");
    let registry = EtcdRegistry::connect(&cluster.endpoints(), Duration::from_secs(3))
        .await
        .unwrap();
    let first = Greeter::start("first").await;
    within("register", registry.register(&service, &first.node))
        .await
        .unwrap();
    let watched = within("watch", registry.watch(&service)).await.unwrap();

    // Five values of 1 MB each (etcd takes up to 1.5 MiB a request), and small bad ones.
    let etcd = Client::connect(cluster.endpoints(), None).await.unwrap();
    let prefix = service_prefix(&service);
    for n in 0..5 {
        put(&etcd, &format!("{prefix}junk-{n}"), vec![b'x'; 1_000_000]).await;
    }
    put(&etcd, &format!("{prefix}not-json"), b"{".to_vec()).await;
    put(&etcd, &format!("{prefix}a/deeper/key"), b"{}".to_vec()).await;

    // A fresh listing, and the watch that was open while the garbage went in.
    let second = Greeter::start("second").await;
    within("register", registry.register(&service, &second.node))
        .await
        .unwrap();
    let both = vec![first.node.clone(), second.node.clone()];
    let listed = within("get_service", registry.get_service(&service)).await;
    assert_eq!(listed.expect("the listing is not too large"), both);
    let mut watched = watched;
    within(
        "the watch to see both",
        watched.wait_for(|nodes| *nodes == both),
    )
    .await
    .expect("the watch keeps going");
    let services = within("list_services", registry.list_services()).await;
    assert!(services.unwrap().contains(&service));

    // A client that starts now: every call succeeds.
    let fresh = EtcdRegistry::connect(&cluster.endpoints(), Duration::from_secs(3))
        .await
        .unwrap();
    let client = MicroClient::new(Arc::new(fresh), Box::new(RoundRobin::default()));
    for n in 0..hostile_calls() {
        within("a call", client.say_hello(&service, "Ada"))
            .await
            .unwrap_or_else(|status| panic!("call {n} failed: {status:?}"));
    }
}
