//! The address a service writes in the registry: one that other hosts can call, which is
//! not always the one it listens on.
//!
//! A service deployed on a host of its own listens on `0.0.0.0:7021`, every address of
//! the host, so that other hosts reach it. But `0.0.0.0` is no address to call: registered
//! as it is, every caller dials its own machine, and every host's node gets the same id.
//! go-micro's `util/addr.Extract` registers an address of one of the host's network
//! interfaces instead, preferring a private one; so does this module, and it refuses rather
//! than guessing wrong when the host has nothing but loopback.

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
    // TODO: choose as the doc comment says. A specific address is the only one the service
    // answers on; an unspecified one must become an address that another host can call,
    // or an error that says so — registering an address nobody can call is worse than not
    // starting.
    todo!("the address to advertise for {listening}")
}

/// This host's interfaces that are up, and their addresses, in the system's order (empty
/// if they cannot be listed: then only a specific address can be advertised).
///
/// An interface that is not up reaches no one: Docker's bridge `docker0` (172.17.0.1, a
/// private address) is not, until a container uses it. Loopback is listed, and left out
/// by [`advertised`].
pub fn interfaces() -> Vec<Interface> {
    // TODO: list this machine's interfaces and their addresses, leaving out those that are
    // not up, so that `advertised` is given the addresses other hosts could really reach.
    todo!("this host's network interfaces")
}
