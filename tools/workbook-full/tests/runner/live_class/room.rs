//! The room cannot take the class over: a script on one machine flooding joins with a wrong
//! code, or holding connections open with a request it never finishes, slows down that
//! machine alone; the rest of the room joins and sends as ever. The flooding machine is
//! 127.0.0.2 (all of 127/8 is this machine), the learner 127.0.0.1.
//!
//! Each test holds to what must have happened, counted from outside: the learner let in
//! while the machine is refused, or while its connections are still held. How long a
//! learner's join and verdicts take in such a room is a figure, not a verdict: the room's
//! bench measures it (`benches/class_load`, run with `--flood`).

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use socket2::{Domain, Socket, Type};

use super::{DEADLINE, Running, batch};
use crate::fixture::Course;

/// A connection to `server` from the address `from`.
pub(super) fn connect_from(from: [u8; 4], server: &Running) -> TcpStream {
    let to: SocketAddr = format!("{}:{}", server.server().host, server.server().port)
        .parse()
        .unwrap();
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::from((from, 0)).into())
        .expect("a source address on the loopback");
    socket.connect(&to.into()).unwrap();
    socket.into()
}

/// `POST path` with `body` from `from`: the answer's status (0 when closed unanswered).
pub(super) fn post_from(from: [u8; 4], server: &Running, path: &str, body: &str) -> u16 {
    let mut stream = connect_from(from, server);
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // An answer cut short (a refused connection, a reset) reads as no status.
    let answer = testkit::read_to_end_within(&mut stream, DEADLINE).unwrap_or_default();
    String::from_utf8_lossy(&answer)
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or(0)
}

/// A real learner's join and first verdict, from 127.0.0.1: the join let in at its first
/// try (never refused as the flooding machine is) and the verdict taken.
fn a_learner_joins_and_checks(server: &Running, name: &str) {
    let token = server.join(name);
    let answer = server.post("/api/verdicts", Some(&token), &batch(1, "demo.add", false));
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[test]
fn a_join_flood_from_one_machine_leaves_the_room_joining() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let wrong = serde_json::json!({"code": "WRONG9", "name": "Mallory"}).to_string();
    let mut statuses = std::collections::BTreeMap::new();
    for _ in 0..1000 {
        let status = post_from([127, 0, 0, 2], &server, "/api/join", &wrong);
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert!(
        statuses.get(&429).copied().unwrap_or(0) > 800,
        "the script is slowed down: {statuses:?}"
    );
    // Its joins used up, the machine is refused; the learner's first join is let in all
    // the same, and its verdict taken.
    a_learner_joins_and_checks(&server, "Ada");
}

#[test]
fn a_client_that_never_finishes_its_request_is_closed() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    // Headers begun and never ended; a body announced and never sent.
    let mut headers = connect_from([127, 0, 0, 2], &server);
    headers
        .write_all(b"POST /api/join HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut body = connect_from([127, 0, 0, 2], &server);
    body.write_all(
        b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .unwrap();
    // Each ended by the server (its 10 s for a request's headers, and for a body), not by
    // this test's deadline.
    for (what, stream) in [("headers", &mut headers), ("body", &mut body)] {
        let answer = match testkit::read_to_end_within(stream, DEADLINE) {
            Ok(answer) => String::from_utf8_lossy(&answer).into_owned(),
            Err(err) => panic!("the unfinished {what} held for {DEADLINE:?}: {err}"),
        };
        if what == "body" {
            assert!(answer.contains(" 408 "), "{answer}");
        }
    }
    a_learner_joins_and_checks(&server, "Ada");
}

/// How many of `streams` the server still holds open: nothing to read yet, neither ended
/// nor reset. A connection the server let go reads as its end at once.
fn still_held(streams: &[TcpStream]) -> usize {
    streams
        .iter()
        .filter(|stream| {
            stream.set_nonblocking(true).unwrap();
            let open =
                matches!(stream.peek(&mut [0; 1]), Err(err) if err.kind() == ErrorKind::WouldBlock);
            stream.set_nonblocking(false).unwrap();
            open
        })
        .count()
}

#[test]
fn connections_held_by_one_machine_leave_the_room_served() {
    const FILES: u64 = 256;
    let course = Course::new();
    // A system that gives the server 256 open files.
    let server = Running::start_limited(&course, FILES);
    // More connections than the server has files, each with a request begun.
    let held: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = connect_from([127, 0, 0, 2], &server);
            let _ = stream.write_all(b"GET /api/hello HTTP/1.1\r\n");
            stream
        })
        .collect();
    a_learner_joins_and_checks(&server, "Ada");
    // Served while the machine still held its share: a learner served only once the
    // machine's connections were let go (after the server's 10 s for a request's headers)
    // would find none of them held. The share is the server's door's, a quarter of the
    // connections it takes with 256 files; every connection past it was closed at once.
    let share = shared::door::Door::new(shared::door::most_for_files(FILES, usize::MAX)).share();
    let open = still_held(&held);
    assert_eq!(
        open, share,
        "when the learner was answered, the server held {open} of the machine's 300 connections, not its share of {share}"
    );
}

/// The server's resident memory, in KiB.
fn resident_kib(server: &Running) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap()
}

#[test]
fn a_flood_of_held_connections_gives_its_memory_back() {
    // This test holds a thousand connections: as many open files, past many systems' 1,024.
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: reading and raising this process's own limit, as the server does.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    // Warmed up: a learner joined and checked, fifty connections served at once.
    a_learner_joins_and_checks(&server, "Ada");
    let warm: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut stream = connect_from([127, 0, 0, 1], &server);
            stream
                .write_all(b"GET /api/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            stream
        })
        .collect();
    for mut stream in warm {
        // Answered or cut: either way over, within the deadline.
        let _ = testkit::read_to_end_within(&mut stream, DEADLINE);
    }
    let before = resident_kib(&server);
    let held: Vec<TcpStream> = (0..1000)
        .map(|_| {
            let mut stream = connect_from([127, 0, 0, 2], &server);
            let _ = stream.write_all(b"POST /api/join HTTP/1.1\r\nHost: x\r\n");
            stream
        })
        .collect();
    let during = resident_kib(&server);
    a_learner_joins_and_checks(&server, "Bob");
    // Each closed by the server after its 10 s: the end of each is the event waited for.
    let deadline = Instant::now() + DEADLINE;
    for (n, mut stream) in held.into_iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        let still = |why: &str| {
            format!(
                "{} of 1,000 still held after {DEADLINE:?} ({why})",
                1000 - n
            )
        };
        assert!(!left.is_zero(), "{}", still("no time left"));
        if let Err(err) = testkit::read_to_end_within(&mut stream, left)
            && err.kind() == std::io::ErrorKind::TimedOut
        {
            panic!("{}", still(&err.to_string()));
        }
    }
    a_learner_joins_and_checks(&server, "Cy");
    let after = resident_kib(&server);
    assert!(
        after * 10 <= before * 11,
        "{before} KiB before, {during} KiB during, {after} KiB after"
    );
}
