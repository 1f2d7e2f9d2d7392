//! The doors, from outside, when one machine holds connections: the user service's, whose
//! TLS handshakes one address fills a quarter of at most, and the plain HTTP gateway's: a
//! client sending a byte a second is closed at the header deadline, and one machine holding
//! its share of connections leaves the gateway to the others.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::addresses::{connect_from, loopback, others_answer};
use crate::program::{start_gateway, start_user};
use crate::support::{Certs, client_config, server_name};

/// Checks that the door closed `stream` at once, as it does a connection past an address's
/// share: it reads its end (or an error), never an answer.
async fn closed_at_once(stream: &mut TcpStream) {
    let mut byte = [0u8; 1];
    let read = testkit::within(
        "the door to close a connection past the share",
        stream.read(&mut byte),
    )
    .await;
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "closed, not answered: {read:?}"
    );
}

#[tokio::test]
async fn one_address_s_silent_connections_leave_room_for_another_s() {
    if !others_answer("one_address_s_silent_connections_leave_room_for_another_s") {
        return;
    }
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    // 64 handshakes at once, 16 from one address; a silent connection is held a minute.
    let door = ["--handshakes", "64", "--handshake-deadline", "60s"];
    let user = start_user(certs.path(), redis.url(), &door).await;

    // One machine opens its share, and says nothing.
    let mut silent = Vec::new();
    for _ in 0..16 {
        silent.push(connect_from(loopback(1), user.addr()).await);
    }
    // Its next connection is closed at once: the door's share of it is full.
    let mut one_more = connect_from(loopback(1), user.addr()).await;
    closed_at_once(&mut one_more).await;
    user.logged("16 handshakes from its address under way, its share")
        .await;

    // Another machine's new connection is answered: its handshake done within a second.
    let gateway = certs.identity("gateway");
    let connector = tokio_rustls::TlsConnector::from(client_config(&gateway, Some(&gateway)));
    let started = Instant::now();
    let tcp = connect_from(loopback(2), user.addr()).await;
    let tls = testkit::within(
        "a handshake from 127.0.0.2",
        connector.connect(server_name("user"), tcp),
    )
    .await
    .expect("the handshake from another address is answered");
    let took = started.elapsed();
    eprintln!("127.0.0.2's handshake, with 127.0.0.1's share held: {took:?}");
    assert!(
        took < Duration::from_secs(1),
        "another address's handshake took {took:?} while one address held its share"
    );
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    drop(silent);
}

/// The plain HTTP gateway, as `gateway-server` runs without `--tls`, in front of a user
/// service: what keeps both running.
struct PlainGateway {
    _certs: Certs,
    _redis: testkit::RedisServer,
    _user: testkit::ServerProcess,
    gateway: testkit::ServerProcess,
}

impl PlainGateway {
    async fn start() -> PlainGateway {
        let certs = Certs::new(&["user", "gateway"]);
        let redis = testkit::redis().await;
        let user = start_user(certs.path(), redis.url(), &[]).await;
        let gateway = start_gateway(certs.path(), &user).await;
        PlainGateway {
            _certs: certs,
            _redis: redis,
            _user: user,
            gateway,
        }
    }

    fn addr(&self) -> std::net::SocketAddr {
        self.gateway.addr()
    }
}

#[tokio::test]
async fn a_client_sending_a_byte_a_second_is_closed_by_the_gateway_s_header_deadline() {
    let running = PlainGateway::start().await;
    let stream = connect_from(loopback(1), running.addr()).await;
    let (mut reader, mut writer) = stream.into_split();
    // A request's head, a byte a second: 34 s to send it whole, were it let.
    let head = b"GET /api/v1.0/session HTTP/1.1\r\n";
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let slow = tokio::spawn({
        let sent = sent.clone();
        async move {
            let mut second = tokio::time::interval(Duration::from_secs(1));
            for byte in head {
                second.tick().await;
                if writer.write_all(&[*byte]).await.is_err() {
                    return;
                }
                sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    // The gateway closes it at its header deadline (10 s), long before the head could end
    // and within the test's wait (`within`'s 20 s), which fails the test if it is held.
    let mut answer = Vec::new();
    let read = testkit::within(
        "the gateway to close a connection sending a byte a second",
        reader.read_to_end(&mut answer),
    )
    .await;
    slow.abort();
    let sent = sent.load(std::sync::atomic::Ordering::SeqCst);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        sent < head.len() && !answer.contains(" 200 "),
        "closed after {sent} of the head's {} bytes, not answered: {read:?}, {answer:?}",
        head.len()
    );
}

#[tokio::test]
async fn one_address_s_held_connections_leave_the_plain_gateway_to_another_s() {
    if !others_answer("one_address_s_held_connections_leave_the_plain_gateway_to_another_s") {
        return;
    }
    let running = PlainGateway::start().await;
    let gateway = running.addr();
    // One machine holds its share of the gateway's connections (a quarter of 1,024), each
    // with a request begun and never ended.
    let mut held = Vec::new();
    for _ in 0..256 {
        let mut stream = connect_from(loopback(1), gateway).await;
        let _ = stream
            .write_all(b"GET /api/v1.0/session HTTP/1.1\r\n")
            .await;
        held.push(stream);
    }
    // Its next connection is closed at once: the door's share of it is full.
    let mut one_more = connect_from(loopback(1), gateway).await;
    closed_at_once(&mut one_more).await;
    // Another machine is answered.
    let mut other = connect_from(loopback(2), gateway).await;
    other
        .write_all(b"GET /api/v1.0/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("the request sent");
    let mut answer = Vec::new();
    testkit::within("the answer to 127.0.0.2", other.read_to_end(&mut answer))
        .await
        .expect("the answer read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    drop(held);
}
