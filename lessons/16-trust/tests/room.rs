//! The user service under a room of thirty, from outside: its memory after a crowd of
//! logins, its door when one machine holds silent connections, and its log when one
//! machine is refused a thousand times. And the plain HTTP gateway's door: a client sending
//! a byte a second is closed at the header deadline, and one machine holding its share of
//! connections leaves the gateway to the others.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

use crate::addresses::{loopback, others_answer};
use crate::http;
use crate::program::{start_gateway, start_user};
use crate::support::{Certs, client_config, server_name};

/// What the system says of a process's memory, in KiB: `VmRSS` (resident now) or `VmHWM`
/// (the most it has been), from `/proc/PID/status`.
fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("its status");
    let line = status
        .lines()
        .find(|line| line.starts_with(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status:\n{status}"));
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .unwrap_or_else(|| panic!("{line:?} is no count of KiB"))
}

/// The most the user service may hold after a room's logins: a few hashes' worth above
/// what it holds at start (19–25 MiB, a debug build's).
const MOST_RESIDENT_MIB: u64 = 64;

#[tokio::test]
async fn thirty_logins_at_once_leave_the_user_service_s_memory_as_it_was() {
    let test = "thirty_logins_at_once_leave_the_user_service_s_memory_as_it_was";
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("skipped {test}: this system has no /proc to read a process's memory from");
        return;
    }
    // Thirty machines: one address's logins in flight count against it (`limit`).
    if !others_answer(test) {
        return;
    }
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let gateway = start_gateway(certs.path(), &user).await;
    let base = format!("http://{}", gateway.addr());
    let names: Vec<String> = (0..30).map(|n| format!("learner{n}")).collect();
    let password = "the room's password";

    // A room: thirty register at once, then log in at once, each a hash of ~19 MiB.
    let mut registrations = tokio::task::JoinSet::new();
    for name in &names {
        let (base, name) = (base.clone(), name.clone());
        registrations
            .spawn(async move { http::register_behind_others(&base, &name, password).await });
    }
    // deadline: each registration's own, the test's (`http::register_behind_others`)
    for answer in registrations.join_all().await {
        assert_eq!(answer.errno, "0", "{answer:?}");
    }
    let mut logins = tokio::task::JoinSet::new();
    for (n, name) in (10..).zip(&names) {
        let (base, name) = (base.clone(), name.clone());
        logins.spawn(async move {
            http::login_behind_others(&base, loopback(n), &name, password).await
        });
    }
    // deadline: each login's own, the test's (`http::login_behind_others`)
    for answer in logins.join_all().await {
        assert_eq!(answer.errno, "0", "{answer:?}");
    }

    let (now, most) = (
        memory_kib(user.pid(), "VmRSS"),
        memory_kib(user.pid(), "VmHWM"),
    );
    eprintln!(
        "the user service after 30 registrations and 30 logins at once: {} MiB resident, at \
         most {} MiB",
        now / 1024,
        most / 1024
    );
    assert!(
        now <= MOST_RESIDENT_MIB * 1024,
        "after 30 registrations and 30 logins at once the user service holds {} MiB (at most \
         {} MiB at once), more than {MOST_RESIDENT_MIB} MiB: the hashes' memory was kept",
        now / 1024,
        most / 1024
    );
}

/// A TCP connection to `addr` from the address `from` of this machine.
async fn connect_from(from: std::net::IpAddr, addr: std::net::SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.bind((from, 0).into()).expect("bound");
    testkit::within("a TCP connection", socket.connect(addr))
        .await
        .expect("connected")
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
    let mut byte = [0u8; 1];
    let read = testkit::within(
        "the door to close a connection past the share",
        one_more.read(&mut byte),
    )
    .await;
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "closed, not answered: {read:?}"
    );
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

/// The refusals a log accounts for from `from`: one a line of them, and the count of
/// each line `… and N more refusals from FROM …`.
fn accounted(log: &str, from: &str) -> u64 {
    let one_by_one = log.matches(&format!("refused {from}:")).count() as u64;
    let counted: u64 = log
        .lines()
        .filter_map(|line| {
            line.split_once("… and ")?
                .1
                .split_once(&format!(" more refusals from {from} "))?
                .0
                .parse::<u64>()
                .ok()
        })
        .sum();
    one_by_one + counted
}

#[tokio::test]
async fn a_thousand_refused_connections_from_one_address_are_a_few_log_lines() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let before = user.log().lines().count();

    // A thousand connections that speak plaintext to the TLS port, eight at a time, each
    // refused and closed (read to its end, so that the server has refused it): a second or
    // two, well within one interval of the log's.
    let addr = user.addr();
    let mut flood = tokio::task::JoinSet::new();
    for _ in 0..8 {
        flood.spawn(async move {
            for _ in 0..125 {
                let mut tcp = TcpStream::connect(addr).await.expect("connected");
                tcp.write_all(b"GET / HTTP/1.1\r\nhost: user\r\n\r\n")
                    .await
                    .expect("sent");
                let mut rest = Vec::new();
                let _ = tcp.read_to_end(&mut rest).await;
            }
        });
    }
    let flood = flood.join_all();
    testkit::within("a thousand refused connections", flood).await;
    // Another address's refusal is still said at once.
    if others_answer("the other address's refusal, in the same test") {
        let tcp = connect_from(loopback(2), user.addr()).await;
        drop(tcp);
        user.logged("refused 127.0.0.2:").await;
    }

    // All thousand are accounted for, in lines of their own or counts…
    let what = "a thousand refusals from 127.0.0.1, one by one and counted";
    user.logged_so(what, |log| accounted(log, "127.0.0.1") >= 1000)
        .await;
    let log = user.log();
    assert_eq!(accounted(&log, "127.0.0.1"), 1000, "{log}");
    // …in a few lines.
    let lines = log.lines().count() - before;
    assert!(
        lines <= 20,
        "a thousand refused connections from one address wrote {lines} lines:\n{log}"
    );
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
    let mut byte = [0u8; 1];
    let read = testkit::within(
        "the door to close a connection past the share",
        one_more.read(&mut byte),
    )
    .await;
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "closed, not answered: {read:?}"
    );
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
