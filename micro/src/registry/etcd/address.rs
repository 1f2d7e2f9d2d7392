//! `--registry-address` for etcd: the members people type, read the way they type them,
//! and what cannot work refused before anything is sent, saying why.
//!
//! On one machine the address is `127.0.0.1:2379`, or nothing. Deployed, people copy what
//! they see elsewhere: etcd's own flags and logs write URLs (`http://host-a:2379`), some
//! tools want the `/v3` path, and the address etcd listens on (`0.0.0.0:2379`) is the
//! first one in sight. The Go course warns that go-micro's flag must not carry `http://`;
//! this one takes it and says nothing, as `etcdctl --endpoints` does, because it means
//! just what the plain form means: etcd-client adds `http://` to every endpoint itself.
//! Everything else that would only fail later — with a connection error that names neither
//! the mistake nor the fix — is refused here with a message that quotes what was typed and
//! says what to write instead.

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

// ANCHOR: endpoints
/// The etcd members in `typed`, each as etcd-client wants it: `host:port`.
///
/// Members are separated by commas; spaces around each are trimmed and empty ones skipped.
/// A member is `host`, `host:port`, `[ipv6]` or `[ipv6]:port` (the port 2379 when none is
/// given), with or without `http://` in front and `/` behind. Checked in this order, the
/// first problem of a member is its error: the scheme, a path, an IPv6 address without
/// brackets, the host (missing, not a name or an address, or "every address"), the port.
pub fn endpoints(typed: &str) -> Result<Vec<String>, AddressError> {
    let members: Vec<&str> = typed
        .split(',')
        .map(str::trim)
        .filter(|member| !member.is_empty())
        .collect();
    if members.is_empty() {
        return Err(AddressError::NoMember {
            typed: typed.to_string(),
        });
    }
    members.into_iter().map(endpoint).collect()
}

/// One member, as `host:port`.
fn endpoint(member: &str) -> Result<String, AddressError> {
    let owned = || member.to_string();
    // The scheme: none, or `http://`, which etcd-client would add anyway.
    let rest = match member.split_once("://") {
        None => member,
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
            return Err(AddressError::Https { member: owned() });
        }
        Some((scheme, _)) => {
            return Err(AddressError::Scheme {
                member: owned(),
                scheme: scheme.to_string(),
            });
        }
    };
    // A URL copied with its last `/` has no path; anything else after a `/` is one.
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(slash) = rest.find('/') {
        return Err(AddressError::Path {
            member: owned(),
            path: rest[slash..].to_string(),
        });
    }
    let (host, port) = host_and_port(rest).ok_or_else(|| {
        if rest.starts_with('[') {
            AddressError::Host { member: owned() }
        } else {
            AddressError::Ipv6WithoutBrackets { member: owned() }
        }
    })?;
    match host_ip(host) {
        Some(ip) if ip.is_unspecified() => {
            return Err(AddressError::Unspecified { member: owned() });
        }
        Some(_) => {}
        None if is_host_name(host) => {}
        None => return Err(AddressError::Host { member: owned() }),
    }
    let port = match port {
        None => CLIENT_PORT,
        Some(port) => parse_port(port).ok_or_else(|| AddressError::Port {
            member: owned(),
            port: port.to_string(),
        })?,
    };
    Ok(format!("{host}:{port}"))
}

/// `host` and the port, if one is typed: `[::1]:2379` → (`[::1]`, `2379`), `host-a` →
/// (`host-a`, none). `None` when that split cannot be made: an unclosed bracket, something
/// between `]` and `:`, or more than one `:` outside brackets.
fn host_and_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at(close + 1);
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        return Some((host, port));
    }
    match authority.split_once(':') {
        None => Some((authority, None)),
        Some((_, port)) if port.contains(':') => None,
        Some((host, port)) => Some((host, Some(port))),
    }
}

/// The IP address `host` is, if it is one: IPv4 as it is, IPv6 in brackets. `None` for a
/// name, and for brackets around anything but an IPv6 address.
fn host_ip(host: &str) -> Option<IpAddr> {
    match host.strip_prefix('[') {
        Some(bracketed) => {
            let inside = bracketed.strip_suffix(']')?;
            inside.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
        }
        None => host.parse::<IpAddr>().ok().filter(IpAddr::is_ipv4),
    }
}

/// A DNS name (`host-a`, `etcd.internal`): letters, digits, `-`, `_` and `.`, at least one.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A port: digits only, 1 to 65535.
fn parse_port(port: &str) -> Option<u16> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse().ok().filter(|port| *port != 0)
}
// ANCHOR_END: endpoints
