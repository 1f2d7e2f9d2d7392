//! The mDNS registry: no server at all, every node answers for itself on the local network.
//!
//! go-micro v2's default registry, spoken as go-micro v2.9.1 speaks it, so that a go-micro
//! service and this lesson's find each other. Multicast DNS (RFC 6762) on 224.0.0.251:5353,
//! in go-micro's own domain, `micro` (`mdns/wire.rs`): a node of service `S` answers the
//! question "PTR `S.micro.`?" with its records — PTR, SRV (port and host), A (address),
//! and TXT, which carries the service in go-micro's encoding (`mdns/txt.rs`). A client
//! asks once and takes what answers within half a second; a watching client also hears
//! nodes announce themselves and say goodbye, and asks again every `ttl` (`mdns/follow.rs`).
//! The nodes a process registered are answered for by one task (`mdns/responder.rs`).
//!
//! No mDNS crate speaks go-micro's names: mdns-sd, for one, speaks DNS-SD's
//! `<instance>._<service>._tcp.local.` only. So the messages are built and read with
//! `simple-dns` (a DNS message codec and nothing else), on sockets of our own
//! (`mdns/socket.rs`).

// The exercise `micro.mdns-txt` rebuilds this module, and is answered by it (`--features solution`).
pub mod decode;
pub mod follow;
pub mod responder;
pub mod socket;
pub mod txt;
pub mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use anyhow::Context;
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::{OnceCell, watch};

use super::{Node, Nodes, Registry};
use follow::{ask, follow, nodes_of};
use responder::Responder;
use wire::{Announced, SERVICES};

/// The mDNS registry.
pub struct MdnsRegistry {
    /// The address of the interface it speaks on.
    interface: Ipv4Addr,
    described: Option<String>,
    ttl: std::time::Duration,
    responder: OnceCell<Responder>,
}

// ANCHOR: new
impl MdnsRegistry {
    /// A registry that speaks on the interface `interface` (a name such as `lo` or `eth0`,
    /// or one of its IPv4 addresses) or, without one, on loopback: what a single machine's
    /// services share. A watching client asks every `ttl` which nodes are still there.
    pub fn new(interface: Option<&str>, ttl: std::time::Duration) -> anyhow::Result<MdnsRegistry> {
        let address = match interface {
            None => Ipv4Addr::LOCALHOST,
            Some(text) => match text.parse::<Ipv4Addr>() {
                Ok(address) => address,
                Err(_) => interface_address(text)?,
            },
        };
        Ok(MdnsRegistry {
            interface: address,
            described: interface.map(str::to_string),
            ttl,
            responder: OnceCell::new(),
        })
    }
}
// ANCHOR_END: new

/// The IPv4 address of the interface called `name`.
fn interface_address(name: &str) -> anyhow::Result<Ipv4Addr> {
    let interfaces = if_addrs::get_if_addrs().context("cannot list the network interfaces")?;
    interfaces
        .iter()
        .filter(|interface| interface.name == name)
        .find_map(|interface| match interface.ip() {
            IpAddr::V4(address) => Some(address),
            IpAddr::V6(_) => None,
        })
        .with_context(|| format!("no interface {name} with an IPv4 address"))
}

/// `node_id` as one DNS label: letters, digits and '-', at most 63 bytes: the node's host
/// name, whose A record gives its address.
fn host_label(node_id: &str) -> String {
    let label: String = node_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let label = &label[label.len().saturating_sub(63)..]; // the end holds the port
    label.trim_matches('-').to_string()
}

impl MdnsRegistry {
    async fn responder(&self) -> anyhow::Result<&Responder> {
        self.responder
            .get_or_try_init(|| async {
                let socket = socket::group(self.interface)
                    .with_context(|| format!("cannot listen for mDNS on {}", self.interface))?;
                anyhow::Ok(Responder::start(socket))
            })
            .await
    }
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
            // Listening everywhere: announce the address of the interface we speak on.
            let ip = match addr.ip() {
                IpAddr::V4(ip) if !ip.is_unspecified() => ip,
                IpAddr::V4(_) => self.interface,
                IpAddr::V6(_) => anyhow::bail!("{}: go-micro's mDNS reads IPv4 addresses", node.id),
            };
            // Every label of a DNS name is at most 63 bytes, the name at most 255: a node whose
            // name breaks that is refused here, never built into an answer.
            let instance = wire::instance_name(service, &node.id);
            simple_dns::Name::new(&instance)
                .with_context(|| format!("{instance} cannot be an mDNS name"))?;
            self.responder().await?.add(Announced {
                service: service.to_string(),
                id: node.id.clone(),
                host: format!("{}.local", host_label(&node.id)),
                ip,
                port: addr.port(),
                txt: txt::encode(&txt::of(service, node)),
            });
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
            if let Some(responder) = self.responder.get() {
                responder.remove(&node.id).await;
            }
            Ok(())
        }
        .boxed()
    }

    fn get_service<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<Node>>> {
        async move {
            let entries = ask(self.interface, &wire::service_name(service)).await?;
            Ok(super::sorted(
                nodes_of(&entries, service).into_values().collect(),
            ))
        }
        .boxed()
    }

    fn list_services(&self) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
        async move {
            let suffix = format!(".{SERVICES}");
            let entries = ask(self.interface, SERVICES).await?;
            let mut names: Vec<String> = entries
                .iter()
                .filter_map(|entry| entry.name.strip_suffix(&suffix))
                .map(str::to_string)
                .collect();
            names.sort();
            names.dedup();
            Ok(names)
        }
        .boxed()
    }

    fn watch<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Nodes>> {
        async move {
            // Listening before the first question: nothing said after it is missed.
            let group = match socket::group(self.interface) {
                Ok(group) => Some(group),
                Err(error) => {
                    tracing::warn!(%error, "cannot hear mDNS announcements; asking every {:?} only", self.ttl);
                    None
                }
            };
            let first = self.get_service(service).await?;
            let (publish, nodes) = watch::channel(first);
            let (interface, ttl) = (self.interface, self.ttl);
            tokio::spawn(follow(interface, group, service.to_string(), publish, ttl));
            Ok(nodes)
        }
        .boxed()
    }

    fn describe(&self) -> String {
        match &self.described {
            Some(interface) => format!("mdns on {interface}"),
            None => "mdns".to_string(),
        }
    }
}
