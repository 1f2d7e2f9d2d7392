//! The two sockets mDNS needs, set up as go-micro's are (`util/mdns/server.go` and
//! `client.go`): one on the group's port 5353, shared with every other responder on the
//! machine, that hears questions and announcements; and one on a port of its own, from
//! which a client asks and to which answers come back.
//!
//! Asking from a port of its own matters: a go-micro node answers to the port a question
//! came from, and treats whatever carries a question as one. A question sent from 5353
//! would have its answer land on a go-micro responder's socket, which would answer that in
//! turn, for ever.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::UdpSocket;

use super::wire::GROUP;

/// A socket on port 5353 that has joined the group on `interface` (the address of one of
/// the machine's interfaces: 127.0.0.1 for loopback). Others may share the port, as every
/// responder on the machine does: `SO_REUSEADDR`, as go-micro's sockets have it. Not
/// `SO_REUSEPORT`: the kernel would hand each multicast message to one socket of the group
/// only, and every responder but one would miss each question.
pub fn group(interface: Ipv4Addr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.set_reuse_address(true)?;
    socket.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, GROUP.port())).into())?;
    socket.join_multicast_v4(GROUP.ip(), &interface)?;
    on(socket, interface)
}

/// A socket on a free port, that sends to the group on `interface`.
pub fn own(interface: Ipv4Addr) -> io::Result<UdpSocket> {
    let socket = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
    socket.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)).into())?;
    on(socket, interface)
}

fn on(socket: Socket, interface: Ipv4Addr) -> io::Result<UdpSocket> {
    socket.set_multicast_if_v4(&interface)?;
    // What one process sends to the group, another on the same machine must hear.
    socket.set_multicast_loop_v4(true)?;
    socket.set_nonblocking(true)?;
    UdpSocket::from_std(socket.into())
}
