//! The addresses a test speaks from, as the machines of a room would. Linux answers on
//! the whole of 127.0.0.0/8, so `127.0.0.2` is another machine to the server's counts and
//! its door; a system that answers on 127.0.0.1 alone cannot run such a test, which says
//! so and passes.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use tokio::net::{TcpSocket, TcpStream};

/// The loopback address `127.0.0.N`.
pub fn loopback(n: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, n))
}

/// Whether this system answers on loopback addresses other than 127.0.0.1; if not, says
/// that `test` is skipped, and why.
pub fn others_answer(test: &str) -> bool {
    let answers = std::net::TcpListener::bind((loopback(2), 0)).is_ok();
    if !answers {
        eprintln!(
            "skipped {test}: this system answers on 127.0.0.1 alone, and the test needs a \
             second address (Linux answers on all of 127.0.0.0/8)"
        );
    }
    answers
}

/// A TCP connection to `addr` from the address `from` of this machine.
pub async fn connect_from(from: IpAddr, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.bind((from, 0).into()).expect("bound");
    testkit::within("a TCP connection", socket.connect(addr))
        .await
        .expect("connected")
}
