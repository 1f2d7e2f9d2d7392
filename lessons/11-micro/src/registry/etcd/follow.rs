//! Following a service's keys in etcd: list them once, then watch from the revision of
//! that answer. A watch dies with the member it runs on, so `keep_watching` resumes it from
//! the revision after the last one seen, on whichever member answers; if etcd has compacted
//! that revision away, it lists the keys again instead.

use std::collections::BTreeMap;
use std::time::Duration;

use etcd_client::{EventType, GetOptions, WatchOptions};
use tokio::sync::watch;
use tracing::{info, warn};

use super::Members;
use crate::exercises::etcd_keys::decode;
use crate::registry::Node;

/// Key → node for every node under `prefix`, and the revision the answer was read at.
pub(super) async fn list(
    members: &Members,
    prefix: &str,
) -> Result<(BTreeMap<String, Node>, i64), etcd_client::Error> {
    let answer = members
        .any(|mut client| async move {
            client
                .get(prefix, Some(GetOptions::new().with_prefix()))
                .await
        })
        .await?;
    let revision = answer.header().map_or(0, |header| header.revision());
    let nodes = answer
        .kvs()
        .iter()
        .filter_map(|kv| {
            Some((
                String::from_utf8_lossy(kv.key()).into_owned(),
                decode(prefix, kv.key(), kv.value())?,
            ))
        })
        .collect();
    Ok((nodes, revision))
}

// ANCHOR: keep_watching
/// Follows the keys under `prefix` from `revision` on, publishing the full list of nodes
/// after each change, until nobody holds a receiver. A watch that fails (its member died)
/// is opened again — on whichever member answers — from the revision after the last one
/// seen, so no change is missed; if etcd has compacted that revision away, the list is read
/// again instead.
pub(super) async fn keep_watching(
    members: Members,
    prefix: String,
    mut nodes: BTreeMap<String, Node>,
    mut revision: i64,
    publish: watch::Sender<Vec<Node>>,
) {
    let mut backoff = Duration::from_millis(50);
    loop {
        let followed = tokio::select! {
            followed = follow(&members, &prefix, &mut nodes, &mut revision, &publish) => followed,
            () = publish.closed() => return,
        };
        match followed {
            Ok(()) => backoff = Duration::from_millis(50),
            Err(Resume::Relist) => match list(&members, &prefix).await {
                Ok((listed, at)) => {
                    (nodes, revision) = (listed, at);
                    publish_nodes(&publish, &nodes);
                }
                Err(error) => warn!(%prefix, %error, "cannot list; trying again"),
            },
            Err(Resume::After(error)) => {
                warn!(%prefix, %error, ?backoff, revision, "watch ended; resuming");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

enum Resume {
    After(etcd_client::Error),
    Relist,
}

/// One watch, from `revision + 1`, applying events to `nodes` until the stream fails.
async fn follow(
    members: &Members,
    prefix: &str,
    nodes: &mut BTreeMap<String, Node>,
    revision: &mut i64,
    publish: &watch::Sender<Vec<Node>>,
) -> Result<(), Resume> {
    let options = WatchOptions::new()
        .with_prefix()
        .with_start_revision(*revision + 1);
    let mut stream = members
        .any(|mut client| {
            let options = options.clone();
            async move { client.watch(prefix, Some(options)).await }
        })
        .await
        .map_err(Resume::After)?;
    loop {
        let Some(answer) = stream.message().await.map_err(Resume::After)? else {
            return Ok(()); // the stream ended cleanly: open another
        };
        if answer.canceled() {
            info!(%prefix, reason = answer.cancel_reason(), "watch canceled; listing again");
            return Err(Resume::Relist);
        }
        for event in answer.events() {
            let Some(kv) = event.kv() else { continue };
            let key = String::from_utf8_lossy(kv.key()).into_owned();
            match event.event_type() {
                EventType::Put => match decode(prefix, kv.key(), kv.value()) {
                    Some(node) => nodes.insert(key, node),
                    None => nodes.remove(&key),
                },
                EventType::Delete => nodes.remove(&key),
            };
            *revision = (*revision).max(kv.mod_revision());
        }
        publish_nodes(publish, nodes);
    }
}
// ANCHOR_END: keep_watching

fn publish_nodes(publish: &watch::Sender<Vec<Node>>, nodes: &BTreeMap<String, Node>) {
    let latest = crate::registry::sorted(nodes.values().cloned().collect());
    publish.send_if_modified(|current| {
        let changed = *current != latest;
        *current = latest;
        changed
    });
}
