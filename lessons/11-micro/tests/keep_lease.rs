//! `micro.keep-lease`: a key kept alive with a lease, written again when the lease is lost or
//! the key was changed or deleted from outside.

mod support;

use std::time::Duration;

use etcd_client::{Client, EventType, WatchOptions};
use l11_micro::exercises::keep_lease::keep_lease;
use micro::registry::etcd::Members;
use support::etcd_until_ok;
use testkit::{EtcdCluster, within};
use tokio::sync::watch;

const TTL: Duration = Duration::from_secs(1);

/// The lease `key` is written with, if it is there.
async fn lease_of(client: &mut Client, key: &str) -> Option<i64> {
    let answer = etcd_until_ok("get the key", || {
        let mut client = client.clone();
        async move { client.get(key, None).await }
    })
    .await;
    answer.kvs().first().map(|kv| kv.lease())
}

/// A key kept by `keep_lease` (value "v"), and the first lease it published.
struct Kept {
    key: String,
    task: tokio::task::JoinHandle<()>,
    lease: watch::Receiver<Option<i64>>,
    first: i64,
}

async fn keep(cluster: &EtcdCluster) -> Kept {
    let members = Members::connect(&cluster.endpoints()).await.unwrap();
    let key = format!("/test/{}/kept", support::unique_service("lease"));
    let (leases, mut lease) = watch::channel(None);
    let task = tokio::spawn(keep_lease(members, key.clone(), "v".into(), TTL, leases));
    within("the first lease", lease.wait_for(Option::is_some))
        .await
        .expect("keep_lease publishes its lease");
    let first = lease.borrow_and_update().expect("a lease");
    Kept {
        key,
        task,
        lease,
        first,
    }
}

#[tokio::test]
async fn the_key_outlives_its_ttl() {
    let cluster = testkit::etcd_cluster(3).await;
    let Kept {
        key, task, first, ..
    } = keep(&cluster).await;

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
    let Kept {
        key,
        task,
        mut lease,
        first,
    } = keep(&cluster).await;

    // An operator (or a partition long enough) takes the lease away: the key goes with it.
    let mut client = Client::connect(cluster.endpoints(), None).await.unwrap();
    etcd_until_ok("revoke the lease", || {
        let mut client = client.clone();
        async move { client.lease_revoke(first).await }
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
    let Kept {
        key,
        task,
        lease,
        first,
    } = keep(&cluster).await;
    let mut client = Client::connect(cluster.endpoints(), None).await.unwrap();
    until_kept(&mut client, &key, first, "the key written").await;

    // Someone writes over the key (without a lease), then deletes it; the lease lives on.
    etcd_until_ok("put garbage", || {
        let (mut client, key) = (client.clone(), key.clone());
        async move { client.put(key, "garbage", None).await }
    })
    .await;
    until_kept(&mut client, &key, first, "the overwritten key written back").await;
    etcd_until_ok("delete the key", || {
        let (mut client, key) = (client.clone(), key.clone());
        async move { client.delete(key, None).await }
    })
    .await;
    until_kept(&mut client, &key, first, "the deleted key written back").await;
    assert_eq!(*lease.borrow(), Some(first), "the same lease throughout");
    task.abort();
}
