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
/// `interfaces`: one that another host can call, on the port the service listens on. A
/// specific address is the only one the service answers on; `0.0.0.0` and `::` are every
/// address of the host, and the answer is one of those (the tests say which, when there are
/// several). When the host has no address another host can call, that is
/// [`NoAddressToAdvertise`].
pub fn advertised(
    listening: SocketAddr,
    interfaces: &[Interface],
) -> Result<SocketAddr, NoAddressToAdvertise> {
    // TODO: the address other hosts can call this service at. Registering an address nobody
    // can call is worse than not starting: every caller would fail, far from here.
    todo!("the address to advertise for {listening}")
}

/// This host's interfaces that are up, and their addresses, in the system's order (empty
/// if they cannot be listed: then only a specific address can be advertised).
///
/// An interface that is not up reaches no one: Docker's bridge `docker0` (172.17.0.1, a
/// private address) is not, until a container uses it. Loopback is listed, and left out
/// by [`advertised`].
pub fn interfaces() -> Vec<Interface> {
    // TODO: this machine's interfaces that are up, one entry per address, so that
    // `advertised` chooses among the addresses other hosts could really reach.
    todo!("this host's network interfaces")
}
