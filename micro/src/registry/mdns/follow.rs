//! Following what the local network says: the mDNS daemon's events become the table of
//! nodes a registry reads. A node is added once all its records are known (PTR, SRV, TXT
//! and A), dropped when it says goodbye or its records expire, and asked every `ttl` to
//! confirm that it is still there, so that a killed node goes within about `ttl`.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use mdns_sd::{ResolvedService, ServiceDaemon, ServiceEvent};
use tokio::sync::watch;
use tracing::warn;

use super::{MIN_VERIFY_TIMEOUT, SERVICE_TYPE};
use crate::registry::Node;
use crate::registry::mdns::decode::decode;

/// Every node seen: its DNS name → the service it belongs to, and the node.
pub(super) type Table = BTreeMap<String, (String, Node)>;

// ANCHOR: follow
/// Keeps `publish` up to date with what the daemon hears: a node resolved (PTR, SRV, TXT
/// and A all known) is added, a node removed (goodbye, or expired) is dropped. Every `ttl`,
/// each node is asked to confirm that it is there; one that does not answer is removed
/// (RFC 6762 section 10.4), so that a killed node goes within about `ttl`.
pub(super) async fn follow(
    daemon: ServiceDaemon,
    events: mdns_sd::Receiver<ServiceEvent>,
    publish: watch::Sender<Table>,
    ttl: Duration,
) {
    let mut verify = tokio::time::interval(ttl);
    verify.tick().await;
    loop {
        tokio::select! {
            event = events.recv_async() => match event {
                Ok(ServiceEvent::ServiceResolved(resolved)) => match read_node(&resolved) {
                    Ok(seen) => {
                        publish.send_if_modified(|table| {
                            table.insert(resolved.fullname.clone(), seen.clone()) != Some(seen)
                        });
                    }
                    Err(error) => warn!(
                        "ignoring the mDNS announcement of {}: {error:#}",
                        resolved.fullname
                    ),
                },
                Ok(ServiceEvent::ServiceRemoved(_, name)) => {
                    publish.send_if_modified(|table| table.remove(&name).is_some());
                }
                Ok(_) => {}
                Err(_) => return, // the daemon has stopped
            },
            _ = verify.tick() => {
                let timeout = ttl.max(MIN_VERIFY_TIMEOUT);
                for name in publish.borrow().keys() {
                    let _ = daemon.verify(name.clone(), timeout);
                }
            }
        }
    }
}
// ANCHOR_END: follow

// ANCHOR: read_node
/// The service and the node an mDNS answer describes, as go-micro reads them: the id is
/// the instance's name, the address the A record's IPv4 address with the SRV record's
/// port, and the service and version come from the TXT record.
fn read_node(resolved: &ResolvedService) -> anyhow::Result<(String, Node)> {
    let id = resolved
        .fullname
        .strip_suffix(SERVICE_TYPE)
        .and_then(|name| name.strip_suffix('.'))
        .with_context(|| format!("not a name of {SERVICE_TYPE}"))?;
    // mdns-sd splits each TXT string at its first '=': put them back together.
    let parts: Vec<String> = resolved
        .txt_properties
        .iter()
        .map(|part| match part.val() {
            None => part.key().to_string(),
            Some(value) => format!("{}={}", part.key(), String::from_utf8_lossy(value)),
        })
        .collect();
    let txt = decode(&parts)?;
    let ip = resolved
        .get_addresses_v4()
        .into_iter()
        .min()
        .context("no IPv4 address")?;
    let node = Node {
        id: id.to_string(),
        address: SocketAddr::new(IpAddr::V4(ip), resolved.port).to_string(),
        version: txt.version,
        metadata: txt.metadata.unwrap_or_default(),
    };
    Ok((txt.service, node))
}
// ANCHOR_END: read_node
