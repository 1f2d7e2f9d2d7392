//! The address a service writes in the registry: one that other hosts can call, which is
//! not always the one it listens on.
//!
//! On one machine a service listens on `127.0.0.1:7021` and registers just that. Deployed,
//! it listens on `0.0.0.0:7021` — every address of its host — so that other hosts reach
//! it. But `0.0.0.0` is not an address anyone can call: registered as it is, every caller
//! on another host dials its own machine, and every host's node gets the same id
//! (`user-0.0.0.0-7021`), each registration overwriting the last. go-micro's
//! `util/addr.Extract` answers this by registering an address of one of the host's network
//! interfaces instead, preferring a private one: the address the hosts of one network use
//! to call each other. This module does the same, and refuses rather than guessing wrong:
//! a host with nothing but loopback has no address another host could call.
//!
//! A guess is still a guess. A host on two networks, or with a Docker bridge in use
//! (`docker0`, 172.17.0.1: private, and reached from that host alone), may have a private
//! address listed before the one the other hosts use. Such a service listens on that
//! address itself, or says which one to register (go-micro's `--server_advertise`, here
//! `Service::advertise`).
//!
//! [`advertised`] decides, from the interfaces it is given, so that it can be tested with
//! any machine's; [`interfaces`] lists this machine's.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

/// One address of one network interface of this host: `eth0` `172.18.0.3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The interface's name, for the log: `lo`, `eth0`.
    pub name: String,
    pub ip: IpAddr,
}

/// A service listens on every address of a host that has none another host can call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoAddressToAdvertise {
    /// Where it listens: `0.0.0.0:7021` or `[::]:7021`.
    pub listening: SocketAddr,
}

impl fmt::Display for NoAddressToAdvertise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let listening = self.listening;
        write!(
            f,
            "{listening} is every address of this host, and it has none that another host can \
             call (only loopback or link-local ones): listen on an address other hosts reach, \
             as HOST:{port}, or give the service one to advertise",
            port = listening.port()
        )
    }
}

impl std::error::Error for NoAddressToAdvertise {}

// ANCHOR: advertised
/// The address to register for a service listening on `listening`, on a host with these
/// `interfaces`; the port is always the one it listens on.
///
/// - A specific address (`127.0.0.1`, `10.0.0.5`, `::1`) is advertised as it is: the
///   service chose it, and it is the only one the service answers on.
/// - `0.0.0.0` (IPv4, every address) advertises the first private IPv4 address (RFC 1918:
///   10/8, 172.16/12, 192.168/16) of the interfaces, in their order; without one, the
///   first other IPv4 address that can be called from elsewhere (a public one).
/// - `::` (IPv6, every address, and on Linux IPv4 too) prefers IPv4 in the same order, and
///   without any, the first IPv6 address that can be called from elsewhere.
///
/// Loopback (`127.0.0.0/8`, `::1`) and link-local (`169.254.0.0/16`, `fe80::/10`) addresses
/// are never advertised: no other host can call them. When nothing else is left, that is
/// [`NoAddressToAdvertise`].
pub fn advertised(
    listening: SocketAddr,
    interfaces: &[Interface],
) -> Result<SocketAddr, NoAddressToAdvertise> {
    if !listening.ip().is_unspecified() {
        return Ok(listening);
    }
    let callable: Vec<IpAddr> = interfaces
        .iter()
        .map(|interface| interface.ip)
        .filter(|ip| callable_from_elsewhere(*ip))
        .collect();
    let private_v4 = callable
        .iter()
        .find(|ip| matches!(ip, IpAddr::V4(v4) if v4.is_private()));
    let any_v4 = callable.iter().find(|ip| ip.is_ipv4());
    // Only a socket on `::` can be called at an IPv6 address.
    let any_v6 = callable
        .iter()
        .find(|ip| ip.is_ipv6())
        .filter(|_| listening.is_ipv6());
    match private_v4.or(any_v4).or(any_v6) {
        Some(ip) => Ok(SocketAddr::new(*ip, listening.port())),
        None => Err(NoAddressToAdvertise { listening }),
    }
}

/// Whether another host could call this address: not loopback, not link-local, not
/// "every address".
fn callable_from_elsewhere(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_loopback() || v4.is_link_local() || v4.is_unspecified()),
        IpAddr::V6(v6) => !(v6.is_loopback() || v6.is_unicast_link_local() || v6.is_unspecified()),
    }
}
// ANCHOR_END: advertised

/// This host's interfaces that are up, and their addresses, in the system's order (empty
/// if they cannot be listed: then only a specific address can be advertised).
///
/// An interface that is not up reaches no one: Docker's bridge `docker0` (172.17.0.1, a
/// private address) is not, until a container uses it. Loopback is listed, and left out
/// by [`advertised`].
pub fn interfaces() -> Vec<Interface> {
    let listed = if_addrs::get_if_addrs().unwrap_or_else(|error| {
        tracing::warn!("cannot list the network interfaces: {error}");
        Vec::new()
    });
    listed
        .into_iter()
        .filter(if_addrs::Interface::is_oper_up)
        .map(|interface| Interface {
            ip: interface.ip(),
            name: interface.name,
        })
        .collect()
}
