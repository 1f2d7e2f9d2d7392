//! The doors, from outside, when one machine holds connections: the user service's, whose
//! TLS handshakes one address fills a quarter of at most, and the gateway's: a client
//! sending a byte a second, or over HTTPS one that finished its handshake and says nothing,
//! is closed at the header deadline while others are answered, and one machine holding its
//! share of the plain gateway's connections leaves the gateway to the others.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use shared::door;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::addresses::{connect_from, loopback, others_answer};
use crate::program::{start_gateway_with, start_user};
use crate::support::{Certs, browser_config, client_config, server_name};

/// Checks that the door closed `stream` at once, as it does a connection past an address's
/// share: it reads its end (or an error), never an answer.
async fn closed_at_once(stream: &mut TcpStream) {
    closed_by_the_server(stream, "the door to close a connection past the share").await;
}

/// Waits for the server to close `stream` (`what` says why it should): it reads its end, or
/// an error, never an answer.
pub(crate) async fn closed_by_the_server(stream: &mut TcpStream, what: &str) {
    let mut byte = [0u8; 1];
    let read = testkit::within(what, stream.read(&mut byte)).await;
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "{what}: it answered instead: {read:?}"
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

    // Another machine's new connection is answered while the first machine's share is
    // still held: not after the door has closed one of them (a minute on), which is what a
    // handshake that waited for room would have to wait for.
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
    eprintln!(
        "127.0.0.2's handshake, with 127.0.0.1's share held: {:?}",
        started.elapsed()
    );
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let still_held = silent.iter().filter(|stream| is_open(stream)).count();
    assert_eq!(
        still_held, 16,
        "the other address was answered only once the first's share was let go"
    );
    drop(silent);
}

/// The gateway, as `gateway-server` runs with `options` (`--tls`, or none: plain HTTP), in
/// front of a user service: what keeps both running.
struct Gateway {
    certs: Certs,
    _redis: testkit::RedisServer,
    _user: testkit::ServerProcess,
    gateway: testkit::ServerProcess,
}

impl Gateway {
    async fn start(options: &[&str]) -> Gateway {
        let certs = Certs::new(&["user", "gateway"]);
        let redis = testkit::redis().await;
        let user = start_user(certs.path(), redis.url(), &[]).await;
        let gateway = start_gateway_with(certs.path(), &user, options).await;
        Gateway {
            certs,
            _redis: redis,
            _user: user,
            gateway,
        }
    }

    fn addr(&self) -> std::net::SocketAddr {
        self.gateway.addr()
    }

    /// A connection to the gateway's HTTPS, its handshake done, as a browser makes one.
    async fn handshake(&self) -> TlsStream<TcpStream> {
        let ca = self.certs.identity("gateway");
        let connector = tokio_rustls::TlsConnector::from(browser_config(&ca));
        let tcp = connect_from(loopback(1), self.addr()).await;
        testkit::within(
            "a handshake with the gateway",
            connector.connect(server_name("gateway"), tcp),
        )
        .await
        .expect("the gateway's handshake")
    }
}

/// How long a test waits for the gateway to close a connection at its header deadline: the
/// deadline, and a step beyond it.
const PAST_THE_HEADER_DEADLINE: Duration =
    door::HEADER_TIME.saturating_add(testkit::deadline::STEP);

/// What `stream` read until the gateway closed it (its answer, if any), and how long after
/// `since` that was; fails the test if it is still open past the header deadline.
async fn read_until_closed(
    mut stream: impl AsyncRead + Unpin,
    since: Instant,
    what: &str,
) -> (String, Duration) {
    let mut answer = Vec::new();
    let closed =
        tokio::time::timeout(PAST_THE_HEADER_DEADLINE, stream.read_to_end(&mut answer)).await;
    let took = since.elapsed();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    if closed.is_err() {
        panic!("{what} was still open {took:?} after it connected, having read {answer:?}");
    }
    (answer, took)
}

/// The head of a request, which a slow client sends a byte at a time.
const HEAD: &[u8] = b"GET /api/v1.0/session HTTP/1.1\r\n";

/// A request's head, sent over `stream` a byte a second (34 s to send it whole, were it
/// let) until the gateway closes it: how many bytes went, what came back, and how long
/// after `since` it was closed.
async fn trickle_until_closed(
    stream: impl AsyncRead + AsyncWrite + Send + 'static,
    since: Instant,
    what: &str,
) -> (usize, String, Duration) {
    let (reader, mut writer) = tokio::io::split(stream);
    let sent = Arc::new(AtomicUsize::new(0));
    let slow = tokio::spawn({
        let sent = sent.clone();
        async move {
            let mut second = tokio::time::interval(Duration::from_secs(1));
            for byte in HEAD {
                second.tick().await;
                if writer.write_all(&[*byte]).await.is_err() {
                    return;
                }
                sent.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    let (answer, took) = read_until_closed(reader, since, what).await;
    slow.abort();
    (sent.load(Ordering::SeqCst), answer, took)
}

#[tokio::test]
async fn a_client_sending_a_byte_a_second_is_closed_by_the_gateway_s_header_deadline() {
    let running = Gateway::start(&[]).await;
    let started = Instant::now();
    let stream = connect_from(loopback(1), running.addr()).await;
    // The gateway closes it at its header deadline (10 s), long before the head could end.
    let what = "a plain connection sending a byte a second";
    let (sent, answer, _) = trickle_until_closed(stream, started, what).await;
    assert!(
        sent < HEAD.len() && !answer.contains(" 200 "),
        "closed after {sent} of the head's {} bytes, not answered: {answer:?}",
        HEAD.len()
    );
}

#[tokio::test]
async fn over_https_a_client_silent_or_slow_after_its_handshake_is_closed_at_the_header_deadline() {
    let running = Gateway::start(&["--tls"]).await;
    let started = Instant::now();
    // Two clients finish their handshakes: one says nothing, one sends a byte a second.
    let silent = running.handshake().await;
    let slow = running.handshake().await;
    let silent = read_until_closed(silent, started, "an HTTPS connection saying nothing");
    let slow = trickle_until_closed(slow, started, "an HTTPS connection sending a byte a second");
    // Meanwhile, another client asks and is answered.
    let other = async {
        let mut tls = running.handshake().await;
        let request =
            "GET /api/v1.0/session HTTP/1.1\r\nhost: gateway\r\nconnection: close\r\n\r\n";
        tls.write_all(request.as_bytes())
            .await
            .expect("the request sent");
        let mut answer = String::new();
        testkit::within(
            "the gateway's answer to another client",
            tls.read_to_string(&mut answer),
        )
        .await
        .expect("the answer read");
        answer
    };
    // deadline: each its own (`read_until_closed`, `within`)
    let ((silent, silent_took), (sent, slow, slow_took), other) = tokio::join!(silent, slow, other);
    assert!(
        other.starts_with("HTTP/1.1 200 "),
        "another client: {other}"
    );
    // Each is closed at the header deadline, not before, and not answered.
    assert!(
        silent_took >= door::HEADER_TIME && silent.is_empty(),
        "the silent client was closed {silent_took:?} after it connected, answered {silent:?}"
    );
    assert!(
        slow_took >= door::HEADER_TIME && sent < HEAD.len() && !slow.contains(" 200 "),
        "the slow client was closed {slow_took:?} after it connected, having sent {sent} of \
         the head's {} bytes, answered {slow:?}",
        HEAD.len()
    );
}

#[tokio::test]
async fn one_address_s_held_connections_leave_the_plain_gateway_to_another_s() {
    if !others_answer("one_address_s_held_connections_leave_the_plain_gateway_to_another_s") {
        return;
    }
    let running = Gateway::start(&[]).await;
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

/// Whether the server still holds `stream` open: nothing to read, and no end of it.
fn is_open(stream: &tokio::net::TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        stream.try_read(&mut byte),
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock
    )
}
