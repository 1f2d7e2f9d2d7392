//! The book's server serves on the socket it is handed (`WORKBOOK_BOOK_LISTENER_FD`), as the
//! course session hands it the book's port (tools/workbook/src/learner/session/book.rs), and
//! stops when the session's end of its standard input closes: run as a real process,
//! checked from outside.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use workbook_core::ports::BOOK_LISTENER_VAR;
use workbook_core::testutil::Fixture;

/// How long building the fixture's book may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);

#[test]
fn the_book_is_served_on_the_socket_it_is_handed_until_the_session_ends() {
    let fx = Fixture::course();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let fd = listener.as_raw_fd();
    let mut command = Command::new(env!("CARGO_BIN_EXE_workbook-book"));
    // The same port: a server that bound it instead of taking the socket would find it held.
    command
        .args(["--lang", "en", "book", "--for-session", "--port"])
        .arg(port.to_string())
        .current_dir(fx.path())
        .env(BOOK_LISTENER_VAR, fd.to_string())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // SAFETY: between fork and exec only fcntl runs (async-signal-safe, no memory touched):
    // the socket loses its close-on-exec flag, as the session's does.
    unsafe {
        command.pre_exec(move || match libc::fcntl(fd, libc::F_SETFD, 0) {
            -1 => Err(std::io::Error::last_os_error()),
            _ => Ok(()),
        });
    }
    let mut server = command.spawn().expect("workbook-book runs");
    // Only the server holds the socket now.
    drop(listener);

    let (lines, said) = mpsc::channel();
    let stdout = BufReader::new(server.stdout.take().unwrap());
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + PATIENCE;
    let mut seen = Vec::new();
    let url = format!("http://127.0.0.1:{port}/");
    while !seen.iter().any(|line: &String| line.contains(&url)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match said.recv_timeout(left) {
            Ok(line) => seen.push(line),
            Err(_) => panic!("the server never said where the book is; it said: {seen:?}"),
        }
    }

    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("the handed socket answers");
    write!(
        stream,
        "GET /01-tcp.html HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let answer = testkit::read_to_end_within(&mut stream, testkit::PATIENCE).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    assert!(answer.contains("TCP"), "the chapter: {answer}");

    // The book alone has no trace view; chapter 15's link to it says where it is instead.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /traces HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let answer = testkit::read_to_end_within(&mut stream, testkit::PATIENCE).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    assert!(
        answer.contains("without lesson 15's trace view"),
        "{answer}"
    );

    // The session ends: its end of the server's standard input closes, and the server stops.
    drop(server.stdin.take());
    let deadline = Instant::now() + testkit::PATIENCE;
    while server.try_wait().unwrap().is_none() {
        assert!(
            Instant::now() < deadline,
            "the server did not stop when its standard input closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
