//! `micro.keep-lease`: a key kept alive with a lease, written again when the lease is lost or
//! the key was changed or deleted from outside.

mod support;

use std::time::Duration;

use etcd_client::{Client, EventType, WatchOptions};
use l11_micro::exercises::keep_lease::keep_lease;
use l11_micro::registry::etcd::Members;
use testkit::within;
use tokio::sync::watch;

const TTL: Duration = Duration::from_secs(1);

/// The lease `key` is written with, if it is there. A loaded machine may see a leader
/// election now and then (the test cluster's timings are fast): ask again then.
async fn lease_of(client: &mut Client, key: &str) -> Option<i64> {
    let answer = within("etcd to answer a get", async {
        loop {
            match client.get(key, None).await {
                Ok(answer) => return answer,
                Err(error) => eprintln!("get {key}: {error}; asking again"),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    answer.kvs().first().map(|kv| kv.lease())
}

#[tokio::test]
async fn the_key_outlives_its_ttl() {
    let cluster = testkit::etcd_cluster(3).await;
    let members = Members::connect(&cluster.endpoints()).await.unwrap();
    let key = format!("/test/{}/kept", support::unique_service("lease"));
    let (leases, mut lease) = watch::channel(None);
    let task = tokio::spawn(keep_lease(members, key.clone(), "v".into(), TTL, leases));
    within("the first lease", lease.wait_for(Option::is_some))
        .await
        .expect("keep_lease publishes its lease");
    let first = lease.borrow().expect("a lease");

    let mut client = Client::connect(cluster.endpoints(), None).await.unwrap();
    assert_eq!(
        lease_of(&mut client, &key).await,
        Some(first),
        "the key is written with the published lease"
    );
    // Three TTLs later the key must still be there, with the same lease: it was renewed.
    let mut changes = client.watch(key.as_str(), None).await.unwrap();
    let deleted = async {
        while let Some(answer) = changes.message().await.unwrap() {
            if answer
                .events()
                .iter()
                .any(|event| event.event_type() == EventType::Delete)
            {
                return;
            }
        }
    };
    assert!(
        tokio::time::timeout(TTL * 3, deleted).await.is_err(),
        "the key was deleted: the lease ran out, so it was not renewed every ttl/3"
    );
    assert_eq!(lease_of(&mut client, &key).await, Some(first));
    task.abort();
}

#[tokio::test]
async fn a_lost_lease_is_replaced() {
    let cluster = testkit::etcd_cluster(3).await;
    let members = Members::connect(&cluster.endpoints()).await.unwrap();
    let key = format!("/test/{}/kept", support::unique_service("lease"));
    let (leases, mut lease) = watch::channel(None);
    let task = tokio::spawn(keep_lease(members, key.clone(), "v".into(), TTL, leases));
    within("the first lease", lease.wait_for(Option::is_some))
        .await
        .expect("keep_lease publishes its lease");
    let first = lease.borrow_and_update().expect("a lease");

    // An operator (or a partition long enough) takes the lease away: the key goes with it.
    let mut client = Client::connect(cluster.endpoints(), None).await.unwrap();
    within("etcd to revoke the lease", async {
        while let Err(error) = client.lease_revoke(first).await {
            eprintln!("revoke: {error}; asking again");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let replaced = within(
        "a new lease after the old one was revoked",
        lease.wait_for(|lease| matches!(lease, Some(id) if *id != first)),
    )
    .await
    .expect("keep_lease keeps running")
    .expect("a lease");
    let mut written = None;
    let _ = within("the key written again", async {
        loop {
            written = lease_of(&mut client, &key).await;
            if written == Some(replaced) {
                return;
            }
            let opts = WatchOptions::new();
            let mut changes = client.watch(key.as_str(), Some(opts)).await.unwrap();
            let _ = tokio::time::timeout(TTL, changes.message()).await;
        }
    })
    .await;
    assert_eq!(
        written,
        Some(replaced),
        "the key is back, with the new lease"
    );
    task.abort();
}

/// Waits until `key` holds `value` with `lease`.
async fn until_kept(client: &mut Client, key: &str, lease: i64, what: &str) {
    within(what, async {
        loop {
            if let Ok(answer) = client.get(key, None).await
                && answer
                    .kvs()
                    .first()
                    .is_some_and(|kv| kv.value() == b"v" && kv.lease() == lease)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_key_overwritten_or_deleted_is_written_back() {
    let cluster = testkit::etcd_cluster(3).await;
    let members = Members::connect(&cluster.endpoints()).await.unwrap();
    let key = format!("/test/{}/kept", support::unique_service("lease"));
    let (leases, mut lease) = watch::channel(None);
    let task = tokio::spawn(keep_lease(members, key.clone(), "v".into(), TTL, leases));
    within("the first lease", lease.wait_for(Option::is_some))
        .await
        .expect("keep_lease publishes its lease");
    let first = lease.borrow().expect("a lease");
    let mut client = Client::connect(cluster.endpoints(), None).await.unwrap();
    until_kept(&mut client, &key, first, "the key written").await;

    // Someone writes over the key (without a lease), then deletes it; the lease lives on.
    within("etcd to take the put", async {
        while let Err(error) = client.put(key.as_str(), "garbage", None).await {
            eprintln!("put: {error}; asking again");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    until_kept(&mut client, &key, first, "the overwritten key written back").await;
    within("etcd to delete the key", async {
        while let Err(error) = client.delete(key.as_str(), None).await {
            eprintln!("delete: {error}; asking again");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    until_kept(&mut client, &key, first, "the deleted key written back").await;
    assert_eq!(*lease.borrow(), Some(first), "the same lease throughout");
    task.abort();
}
