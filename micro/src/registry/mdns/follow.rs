//! Asking the local network, and following what it says.
//!
//! A client asks once, from a port of its own, and takes the answers that come within a
//! short window (`ask`): go-micro's `GetService` waits 100 ms, since every node answers at
//! once. A watch (`follow`) also listens to the group for what nodes say unasked — an
//! announcement when they start, a goodbye when they leave — and asks again every `ttl`,
//! so that a killed node, which says nothing, goes when it stops answering.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use simple_dns::Packet;
use tokio::sync::watch;
use tokio::time::Instant;
use tracing::warn;

use super::socket;
use super::wire::{self, Entry, GROUP, MAX_MESSAGE};
use crate::registry::Node;
use crate::registry::etcd::record::EndpointRecord;
use crate::registry::mdns::decode::decode;

/// How long a question collects answers. go-micro waits 100 ms; a busy machine is given
/// more.
pub const QUERY_WINDOW: Duration = Duration::from_millis(500);

// ANCHOR: ask
/// The complete entries that answer `name` within [`QUERY_WINDOW`], asked on `interface`.
pub async fn ask(interface: Ipv4Addr, name: &str) -> anyhow::Result<Vec<Entry>> {
    let socket = socket::own(interface).context("cannot open a socket for mDNS")?;
    socket
        .send_to(&wire::query(rand::random(), name), SocketAddr::from(GROUP))
        .await
        .context("cannot ask over mDNS")?;
    let mut found: BTreeMap<String, Entry> = BTreeMap::new();
    let mut buffer = vec![0u8; MAX_MESSAGE + 1];
    let until = Instant::now() + QUERY_WINDOW;
    while let Ok(received) = tokio::time::timeout_at(until, socket.recv_from(&mut buffer)).await {
        let Ok((length, _)) = received else { continue };
        let Some(message) = (length <= MAX_MESSAGE)
            .then(|| Packet::parse(&buffer[..length]).ok())
            .flatten()
        else {
            continue;
        };
        for entry in wire::entries(&message, Some(name)) {
            found.insert(entry.name.clone(), entry);
        }
    }
    Ok(found.into_values().collect())
}
// ANCHOR_END: ask

// ANCHOR: read_node
/// The node an entry of `service` describes, as go-micro reads it: the id is the
/// instance's name without `.S.micro`, the address the A record's with the SRV's port, and
/// the version and metadata come from the TXT record, which must name `service`.
pub fn read_node(entry: &Entry, service: &str) -> anyhow::Result<Node> {
    let suffix = format!(".{}", wire::service_name(service));
    let id = entry
        .name
        .strip_suffix(&suffix)
        .with_context(|| format!("not a name of {service}"))?;
    let txt = decode(entry.txt.as_deref().unwrap_or_default())?;
    anyhow::ensure!(
        txt.service == service,
        "its TXT record names {}, not {service}",
        txt.service
    );
    let ip = entry.ip.context("no IPv4 address")?;
    Ok(Node {
        id: id.to_string(),
        address: SocketAddr::new(IpAddr::V4(ip), entry.port).to_string(),
        endpoints: txt.endpoints.iter().map(EndpointRecord::endpoint).collect(),
        version: txt.version,
        metadata: txt.metadata.unwrap_or_default(),
    })
}

/// The nodes of `service` among `entries`; each one that cannot be read is logged and left out.
pub fn nodes_of(entries: &[Entry], service: &str) -> BTreeMap<String, Node> {
    let mut nodes = BTreeMap::new();
    for entry in entries.iter().filter(|entry| entry.ttl > 0) {
        match read_node(entry, service) {
            Ok(node) => {
                nodes.insert(node.id.clone(), node);
            }
            Err(error) => warn!(
                "ignoring the mDNS announcement of {}: {error:#}",
                entry.name
            ),
        }
    }
    nodes
}
// ANCHOR_END: read_node

// ANCHOR: follow
/// Keeps `publish` up to date with the nodes of `service`: asks every `ttl` (a node that
/// does not answer twice in a row is dropped), and between questions listens on `group`
/// (when it could be opened) for announcements (added) and goodbyes (dropped at once).
/// Runs until nobody listens.
pub async fn follow(
    interface: Ipv4Addr,
    group: Option<tokio::net::UdpSocket>,
    service: String,
    publish: watch::Sender<Vec<Node>>,
    ttl: Duration,
) {
    // id → the node, and how many questions in a row it has not answered.
    let mut known: BTreeMap<String, (Node, u32)> = publish
        .borrow()
        .iter()
        .map(|node| (node.id.clone(), (node.clone(), 0)))
        .collect();
    let mut every = tokio::time::interval(ttl);
    let mut buffer = vec![0u8; MAX_MESSAGE + 1];
    loop {
        tokio::select! {
            () = publish.closed() => return,
            _ = every.tick() => {
                let answered = match ask(interface, &wire::service_name(&service)).await {
                    Ok(entries) => nodes_of(&entries, &service),
                    Err(error) => { warn!("{error:#}"); continue }
                };
                for (_, missed) in known.values_mut() {
                    *missed += 1;
                }
                known.retain(|_, (_, missed)| *missed < 2);
                for (id, node) in answered {
                    known.insert(id, (node, 0));
                }
            }
            received = recv(group.as_ref(), &mut buffer) => {
                let parsed = received.and_then(|length| Packet::parse(&buffer[..length]).ok());
                let Some(message) = parsed else { continue };
                let entries = wire::entries(&message, None);
                let suffix = format!(".{}", wire::service_name(&service));
                for entry in entries.iter().filter(|entry| entry.name.ends_with(&suffix)) {
                    if entry.ttl == 0 {
                        known.remove(entry.name.trim_end_matches(&suffix));
                    } else {
                        let read = nodes_of(std::slice::from_ref(entry), &service);
                        known.extend(read.into_iter().map(|(id, node)| (id, (node, 0))));
                    }
                }
            }
        }
        let latest =
            crate::registry::sorted(known.values().map(|(node, _)| node.clone()).collect());
        publish.send_if_modified(|nodes| {
            let changed = *nodes != latest;
            *nodes = latest;
            changed
        });
    }
}
// ANCHOR_END: follow

/// The length of the next message on `group` (none: never), within [`MAX_MESSAGE`].
async fn recv(group: Option<&tokio::net::UdpSocket>, buffer: &mut [u8]) -> Option<usize> {
    let Some(group) = group else {
        return std::future::pending().await;
    };
    let (length, _) = group.recv_from(buffer).await.ok()?;
    (length <= MAX_MESSAGE).then_some(length)
}
