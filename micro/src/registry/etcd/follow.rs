//! Following a service's keys in etcd: list them once, then watch from the revision of
//! that answer. A watch dies with the member it runs on, so `keep_watching` resumes it from
//! the revision after the last one seen, on whichever member answers; if etcd has compacted
//! that revision away, or the watch cannot be read, it lists the keys again instead.
//!
//! Anyone can write under the registry's prefix, so a listing is bounded: keys first, a page
//! at a time, then each value on its own (one value always fits in a gRPC message, five 1 MB
//! values in one answer do not), and a value too big to be a record is skipped unread.

use std::collections::BTreeMap;
use std::time::Duration;

use etcd_client::{EventType, GetOptions, WatchOptions};
use futures::{StreamExt, TryStreamExt};
use tokio::sync::watch;
use tracing::{info, warn};

use super::Members;
use super::members::member_down;
use super::record::MAX_RECORD_BYTES;
use crate::registry::{Node, Nodes};

/// How many keys one page of a listing holds.
const PAGE: i64 = 500;

/// How many values are fetched at once.
const FETCHES: usize = 8;

/// Key → the nodes its value holds (one, as go-micro writes it), for every readable key.
pub(super) type Listed = BTreeMap<String, Vec<Node>>;

/// How a key and its value under a prefix are read as nodes: go-micro's layout
/// (`keys::decode`), or another framework's (lesson 13 reads rpcx's with its own).
pub type Decode = fn(prefix: &str, key: &[u8], value: &[u8]) -> Vec<Node>;

/// The nodes under `prefix`, kept current: listed once, then followed by
/// [`keep_watching`] until every receiver is dropped.
pub async fn follow_prefix(
    members: &Members,
    prefix: &str,
    decode: Decode,
) -> Result<Nodes, etcd_client::Error> {
    let (nodes, revision) = list(members, prefix, decode).await?;
    let (publish, receiver) = watch::channel(crate::registry::sorted(
        nodes.values().flatten().cloned().collect(),
    ));
    let prefix = prefix.to_string();
    let members = members.clone();
    tokio::spawn(keep_watching(
        members, prefix, decode, nodes, revision, publish,
    ));
    Ok(receiver)
}

// ANCHOR: list
/// The nodes under `prefix`, and the revision they were read at.
pub(super) async fn list(
    members: &Members,
    prefix: &str,
    decode: Decode,
) -> Result<(Listed, i64), etcd_client::Error> {
    let (keys, revision) = keys_under(members, prefix).await?;
    let values: Vec<Option<(Vec<u8>, Vec<u8>)>> = futures::stream::iter(keys)
        .map(|key| value_at(members, key, revision))
        .buffered(FETCHES)
        .try_collect()
        .await?;
    let nodes = values
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| {
            let nodes = decode(prefix, &key, &value);
            let key = String::from_utf8_lossy(&key).into_owned();
            (!nodes.is_empty()).then_some((key, nodes))
        })
        .collect();
    Ok((nodes, revision))
}

/// Every key under `prefix` (keys only, [`PAGE`] at a time, all pages at the revision of the
/// first), and that revision.
pub(super) async fn keys_under(
    members: &Members,
    prefix: &str,
) -> Result<(Vec<Vec<u8>>, i64), etcd_client::Error> {
    let end = prefix_end(prefix.as_bytes());
    let (mut keys, mut revision, mut from) = (Vec::new(), 0, prefix.as_bytes().to_vec());
    loop {
        let mut options = GetOptions::new()
            .with_range(end.clone())
            .with_keys_only()
            .with_limit(PAGE);
        if revision > 0 {
            options = options.with_revision(revision);
        }
        let answer = members
            .any(|mut client| {
                let (from, options) = (from.clone(), options.clone());
                async move { client.get(from, Some(options)).await }
            })
            .await?;
        if revision == 0 {
            revision = answer.header().map_or(0, |header| header.revision());
        }
        keys.extend(answer.kvs().iter().map(|kv| kv.key().to_vec()));
        match keys.last() {
            Some(last) if answer.more() => {
                from = last.clone();
                from.push(0); // the first key after the last one listed
            }
            _ => return Ok((keys, revision)),
        }
    }
}

/// The value of `key` at `revision`; `None` (and a warning) when it is too big to be a
/// record or cannot be read, so that one bad entry never hides the others. Only a cluster
/// that cannot be reached fails the listing.
async fn value_at(
    members: &Members,
    key: Vec<u8>,
    revision: i64,
) -> Result<Option<(Vec<u8>, Vec<u8>)>, etcd_client::Error> {
    let options = GetOptions::new().with_revision(revision);
    let answer = members
        .any(|mut client| {
            let (key, options) = (key.clone(), options.clone());
            async move { client.get(key, Some(options)).await }
        })
        .await;
    let shown = String::from_utf8_lossy(&key).into_owned();
    match answer {
        Ok(answer) => Ok(answer.kvs().first().and_then(|kv| {
            if kv.value().len() > MAX_RECORD_BYTES {
                warn!(
                    key = %shown,
                    bytes = kv.value().len(),
                    "too big to be a registry record; skipped"
                );
                return None;
            }
            Some((key, kv.value().to_vec()))
        })),
        Err(error) if member_down(&error) => Err(error),
        Err(error) => {
            warn!(key = %shown, %error, "cannot read; skipped");
            Ok(None)
        }
    }
}
// ANCHOR_END: list

/// The first key after every key that starts with `prefix` (etcd's range end for a prefix).
fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0] // every byte was 0xff: to the end of the keyspace
}

// ANCHOR: keep_watching
/// Follows the keys under `prefix` from `revision` on, publishing the full list of nodes
/// after each change, until nobody holds a receiver. A watch that fails (its member died)
/// is opened again — on whichever member answers — from the revision after the last one
/// seen, so no change is missed; if etcd has compacted that revision away, the list is read
/// again instead.
async fn keep_watching(
    members: Members,
    prefix: String,
    decode: Decode,
    mut nodes: Listed,
    mut revision: i64,
    publish: watch::Sender<Vec<Node>>,
) {
    let mut backoff = Duration::from_millis(50);
    loop {
        let followed = tokio::select! {
            // Nobody follows any more (the client is gone): stop first, so that a connection
            // torn down along with the client is not reported as a member that went away.
            biased;
            () = publish.closed() => return,
            followed = follow(&members, &prefix, decode, &mut nodes, &mut revision, &publish) =>
                followed,
        };
        match followed {
            Ok(()) => backoff = Duration::from_millis(50),
            Err(Resume::Relist) => match list(&members, &prefix, decode).await {
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
    decode: Decode,
    nodes: &mut Listed,
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
        // A member that went away: resume there. Anything else (an answer too large to
        // read, say): a fresh listing, which is bounded, and a watch from its revision.
        let message = stream.message().await.map_err(|error| {
            if member_down(&error) {
                Resume::After(error)
            } else {
                warn!(%prefix, %error, "cannot read the watch; listing again");
                Resume::Relist
            }
        });
        let Some(answer) = message? else {
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
                EventType::Put if kv.value().len() <= MAX_RECORD_BYTES => {
                    match decode(prefix, kv.key(), kv.value()) {
                        found if found.is_empty() => nodes.remove(&key),
                        found => nodes.insert(key, found),
                    }
                }
                EventType::Put => nodes.remove(&key), // too big to be a record
                EventType::Delete => nodes.remove(&key),
            };
            *revision = (*revision).max(kv.mod_revision());
        }
        publish_nodes(publish, nodes);
    }
}
// ANCHOR_END: keep_watching

fn publish_nodes(publish: &watch::Sender<Vec<Node>>, nodes: &Listed) {
    let latest = crate::registry::sorted(nodes.values().flatten().cloned().collect());
    publish.send_if_modified(|current| {
        let changed = *current != latest;
        *current = latest;
        changed
    });
}
