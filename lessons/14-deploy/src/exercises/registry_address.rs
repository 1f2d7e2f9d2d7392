//! `--registry-address` for etcd: the members people type, read the way they type them,
//! and what cannot work refused before anything is sent, saying why.
//!
//! Deployed, people copy what they see elsewhere: etcd's own flags write URLs
//! (`http://host-a:2379`), some tools want the `/v3` path, and the address etcd listens on
//! (`0.0.0.0:2379`) is the first one in sight. `http://` means what the plain form means
//! (etcd-client adds it to every endpoint itself), so it is taken without a word; anything
//! that would only fail later, with a connection error that names neither the mistake nor
//! the fix, is refused here.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// etcd's client port, where a member is called when no port is typed.
pub const CLIENT_PORT: u16 = 2379;

/// A `--registry-address` etcd cannot be called at. Each case holds the member as it was
/// typed (spaces around it trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// No member at all: nothing, or only commas and spaces.
    NoMember { typed: String },
    /// `https://…`: this client speaks plain HTTP to etcd, it has no TLS.
    Https { member: String },
    /// A scheme other than `http://` (`unix://`, `grpc://`): `scheme` without `://`.
    Scheme { member: String, scheme: String },
    /// Something after the host and port: `path` is it, from its first `/` (`/v3`).
    Path { member: String, path: String },
    /// An IPv6 address without brackets (`::1:2379`): where would its port be?
    Ipv6WithoutBrackets { member: String },
    /// No host, or one that is neither a name nor an IP address (`:2379`, `host a`).
    Host { member: String },
    /// Every address (`0.0.0.0`, `[::]`): where etcd listens, not an address to call.
    Unspecified { member: String },
    /// A port that is not a number from 1 to 65535: `port` as typed (`0`, `x`, empty).
    Port { member: String, port: String },
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::NoMember { typed } => write!(
                f,
                "no etcd member in {typed:?}: write HOST:{CLIENT_PORT}, or several, \
                 comma-separated"
            ),
            AddressError::Https { member } => {
                let rest = member.split_once("://").map_or("", |(_, rest)| rest);
                write!(
                    f,
                    "etcd member {member:?}: this client speaks plain HTTP to etcd, not TLS: \
                     write {rest:?}, for an etcd that serves http://"
                )
            }
            AddressError::Scheme { member, scheme } => write!(
                f,
                "etcd member {member:?}: etcd is called over http://, not {scheme}://: write \
                 HOST:{CLIENT_PORT}, as host-a:{CLIENT_PORT}"
            ),
            AddressError::Path { member, path } => write!(
                f,
                "etcd member {member:?}: a member is HOST:PORT, with no path: write it without \
                 {path:?}"
            ),
            AddressError::Ipv6WithoutBrackets { member } => write!(
                f,
                "etcd member {member:?}: an IPv6 address needs brackets, to tell it from its \
                 port: write [ADDRESS]:{CLIENT_PORT}, as [::1]:{CLIENT_PORT}"
            ),
            AddressError::Host { member } => write!(
                f,
                "etcd member {member:?}: no host name or IP address to call: write \
                 HOST:{CLIENT_PORT}, as host-a:{CLIENT_PORT}"
            ),
            AddressError::Unspecified { member } => write!(
                f,
                "etcd member {member:?}: that is where etcd listens (every address of its \
                 host), not an address to call: give the address of etcd's host, as \
                 host-a:{CLIENT_PORT}"
            ),
            AddressError::Port { member, port } => write!(
                f,
                "etcd member {member:?}: {port:?} is not a port (1 to 65535): write \
                 HOST:{CLIENT_PORT}, etcd's client port, or leave the port out"
            ),
        }
    }
}

impl std::error::Error for AddressError {}

/// The etcd members in `typed`, each as etcd-client wants it: `host:port`.
///
/// Members are separated by commas; spaces around each are trimmed and empty ones skipped.
/// A member is `host`, `host:port`, `[ipv6]` or `[ipv6]:port` (the port 2379 when none is
/// given), with or without `http://` in front and `/` behind. Checked in this order, the
/// first problem of a member is its error: the scheme, a path, an IPv6 address without
/// brackets, the host (missing, not a name or an address, or "every address"), the port.
pub fn endpoints(typed: &str) -> Result<Vec<String>, AddressError> {
    // TODO: read every member as the doc comment says, or return the first member's error.
    // Each refusal is a mistake people make when they deploy; caught here, it is one clear
    // line at start-up instead of a connection error later that names neither the mistake
    // nor the fix.
    todo!("the etcd members in {typed:?}")
}
