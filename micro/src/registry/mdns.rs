//! The mDNS registry: no server at all, every node answers for itself on the local network.
//!
//! go-micro v2's default registry. A node announces itself with multicast DNS (RFC 6762) on
//! 224.0.0.251:5353, as a DNS-SD service instance (RFC 6763): a PTR record from the service
//! type to its instance, an SRV record (host and port), an A record (the host's address)
//! and a TXT record that carries the service in go-micro's encoding (`mdns/txt.rs`). A
//! client asks the group once and collects the answers for a moment; a watching client
//! keeps listening, and drops a node when it says goodbye (its records again, with TTL 0)
//! or when it no longer answers.
//!
//! The multicast is the `mdns-sd` crate's. It speaks DNS-SD's names only
//! (`<instance>._<service>._tcp.local.`), where go-micro v2 names a node
//! `<node id>.<service>.micro.`: so the names on the wire differ (see [`SERVICE_TYPE`]),
//! and what the two share is the TXT record, the instance name and the host and port.

// The reference answer of the exercise `micro.mdns-txt` is this module: one home for it.
#[path = "../../../lessons/11-micro/solutions/mdns_txt.rs"]
pub mod decode;
mod follow;
pub mod txt;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Context;
use futures::FutureExt;
use futures::future::BoxFuture;
use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo, TxtProperty};
use tokio::sync::{OnceCell, watch};
use tokio::time::Instant;

use super::{Node, Nodes, Registry};
use follow::{Table, follow};

/// The one DNS-SD service type every node of every service is announced under. go-micro's
/// mDNS domain is `micro`; it becomes the service label, since `mdns-sd` only speaks
/// `._tcp.local.`. The service a node belongs to is in its TXT record, which go-micro
/// also checks (it skips a node whose TXT names another service).
pub const SERVICE_TYPE: &str = "_micro._tcp.local.";

/// How long a first question collects answers before the registry says what it knows
/// (go-micro waits 100 ms on every `GetService`). The question is asked at once and again
/// a second later; a responder that has just answered someone else waits a second before
/// it answers again (RFC 6762 section 6), so the window covers both rounds.
pub const QUERY_WINDOW: Duration = Duration::from_secs(2);

/// The shortest wait for a node to confirm it is still there: the question is asked twice,
/// a second apart (RFC 6762 section 10.4), since a responder answers the same record at most
/// once a second.
pub const MIN_VERIFY_TIMEOUT: Duration = Duration::from_secs(2);

/// Answers being collected since the first question.
struct Browsing {
    table: watch::Receiver<Table>,
    ready_at: Instant,
}

/// The mDNS registry.
pub struct MdnsRegistry {
    daemon: ServiceDaemon,
    interface: Option<String>,
    ttl: Duration,
    browsing: OnceCell<Browsing>,
    /// Node id → the DNS name it is announced under.
    announced: Mutex<HashMap<String, String>>,
}

// ANCHOR: new
impl MdnsRegistry {
    /// A registry that speaks on the interface `interface` (a name such as `lo` or `eth0`,
    /// or one of its IPv4 addresses) or, without one, on every IPv4 interface, loopback
    /// included. A watching client checks every `ttl` that each node still answers.
    pub fn new(interface: Option<&str>, ttl: Duration) -> anyhow::Result<MdnsRegistry> {
        let daemon = ServiceDaemon::new().context("cannot start mDNS")?;
        daemon.disable_interface(IfKind::IPv6)?;
        match interface {
            Some(interface) => {
                daemon.disable_interface(IfKind::All)?;
                let kind = match interface.parse::<IpAddr>() {
                    Ok(ip) => IfKind::Addr(ip),
                    Err(_) => IfKind::Name(interface.to_string()),
                };
                daemon.enable_interface(kind)?;
            }
            // Loopback is what a single machine's services share: ask for it by name.
            None => daemon.enable_interface(IfKind::LoopbackV4)?,
        }
        daemon.set_multicast_loop_v4(true)?;
        Ok(MdnsRegistry {
            daemon,
            interface: interface.map(str::to_string),
            ttl,
            browsing: OnceCell::new(),
            announced: Mutex::new(HashMap::new()),
        })
    }
}
// ANCHOR_END: new

impl MdnsRegistry {
    /// The answers collected so far, once the first question has had its window.
    async fn answers(&self) -> anyhow::Result<watch::Receiver<Table>> {
        let browsing = self
            .browsing
            .get_or_try_init(|| async {
                let events = self
                    .daemon
                    .browse(SERVICE_TYPE)
                    .context("cannot ask for services over mDNS")?;
                let (publish, table) = watch::channel(Table::new());
                tokio::spawn(follow(self.daemon.clone(), events, publish, self.ttl));
                anyhow::Ok(Browsing {
                    table,
                    ready_at: Instant::now() + QUERY_WINDOW,
                })
            })
            .await?;
        tokio::time::sleep_until(browsing.ready_at).await;
        Ok(browsing.table.clone())
    }
}

fn nodes_of(table: &Table, service: &str) -> Vec<Node> {
    let nodes = table.values().filter(|(of, _)| of == service);
    super::sorted(nodes.map(|(_, node)| node.clone()).collect())
}

/// `node_id` as one DNS label: letters, digits and '-', at most 63 bytes.
fn host_label(node_id: &str) -> String {
    let label: String = node_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let label = &label[label.len().saturating_sub(63)..]; // the end holds the port
    label.trim_matches('-').to_string()
}

impl Registry for MdnsRegistry {
    // ANCHOR: register
    fn register<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let addr: SocketAddr = node
                .address
                .parse()
                .with_context(|| format!("{} is not an IP address and port", node.address))?;
            // A host name of its own: a goodbye or a check that fails takes the host's
            // address records with it, and they must not be another node's.
            let host = format!("{}.local.", host_label(&node.id));
            let strings = txt::encode(&txt::of(service, node));
            let txt: Vec<TxtProperty> = strings.iter().map(|s| s.as_str().into()).collect();
            let info = if addr.ip().is_unspecified() {
                // Listening everywhere: announce the address of each interface.
                ServiceInfo::new(SERVICE_TYPE, &node.id, &host, (), addr.port(), txt)?
                    .enable_addr_auto()
            } else {
                ServiceInfo::new(SERVICE_TYPE, &node.id, &host, addr.ip(), addr.port(), txt)?
            };
            let name = info.get_fullname().to_string();
            self.daemon
                .register(info)
                .with_context(|| format!("cannot announce {}", node.id))?;
            crate::locks::lock(&self.announced).insert(node.id.clone(), name);
            Ok(())
        }
        .boxed()
    }
    // ANCHOR_END: register

    fn deregister<'a>(
        &'a self,
        _service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let Some(name) = crate::locks::lock(&self.announced).remove(&node.id) else {
                return Ok(());
            };
            // The daemon says goodbye (the records with TTL 0), then answers.
            let said = self
                .daemon
                .unregister(&name)
                .with_context(|| format!("cannot withdraw {}", node.id))?;
            tokio::time::timeout(Duration::from_secs(5), said.recv_async())
                .await
                .with_context(|| format!("mDNS did not withdraw {} in time", node.id))?
                .with_context(|| format!("mDNS stopped before withdrawing {}", node.id))?;
            Ok(())
        }
        .boxed()
    }

    fn get_service<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<Node>>> {
        async move { Ok(nodes_of(&self.answers().await?.borrow(), service)) }.boxed()
    }

    fn list_services(&self) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
        async move {
            let table = self.answers().await?;
            let mut names: Vec<String> = table.borrow().values().map(|(s, _)| s.clone()).collect();
            names.sort();
            names.dedup();
            Ok(names)
        }
        .boxed()
    }

    fn watch<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Nodes>> {
        async move {
            let mut table = self.answers().await?;
            let service = service.to_string();
            let (publish, nodes) = watch::channel(nodes_of(&table.borrow_and_update(), &service));
            // This service's part of the table, on each change, until nobody listens.
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        changed = table.changed() => if changed.is_err() { return },
                        () = publish.closed() => return,
                    }
                    let latest = nodes_of(&table.borrow_and_update(), &service);
                    publish.send_if_modified(|nodes| {
                        let changed = *nodes != latest;
                        *nodes = latest;
                        changed
                    });
                }
            });
            Ok(nodes)
        }
        .boxed()
    }

    fn describe(&self) -> String {
        match &self.interface {
            Some(interface) => format!("mdns on {interface}"),
            None => "mdns".to_string(),
        }
    }
}

impl Drop for MdnsRegistry {
    fn drop(&mut self) {
        // Stops the daemon's thread; the nodes still announced say goodbye first.
        let _ = self.daemon.shutdown();
    }
}
