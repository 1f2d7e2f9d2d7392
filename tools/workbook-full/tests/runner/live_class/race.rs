//! Two senders at once. A check's sender is at work (the server has not answered yet) when
//! another starts (`class status` saw the server back): the second leaves at once, and the
//! first, once its try failed, tries again for it, so no verdict is left queued.
//!
//! The server is the test's own, which answers when the test says: the order of what
//! happens is the test's, never a sleep's.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Instant;

use super::{DEADLINE, run};
use crate::fixture::Course;

/// What the test waits for: the sender connected, or it ended.
enum Seen {
    Connected(TcpStream),
    Ended(std::process::ExitStatus),
}

/// Reads one request from `stream`, headers and body: its text.
fn read_request(stream: &TcpStream) -> String {
    // One deadline for the whole request: a read timeout alone is reset by each byte.
    let deadline = Instant::now() + DEADLINE;
    let left = |head: &str| {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "no whole request within {DEADLINE:?}: {head}"
        );
        left
    };
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    let mut length = 0;
    // deadline: each read below is given what is left of `deadline` first
    loop {
        stream.set_read_timeout(Some(left(&head))).unwrap();
        let mut line = String::new();
        // deadline: the read's timeout is what is left of `deadline`
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "a request: {head}"
        );
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    stream.set_read_timeout(Some(left(&head))).unwrap();
    // deadline: the read's timeout is what is left of `deadline`
    reader.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

#[test]
fn a_sender_that_finds_another_at_work_leaves_no_verdict_behind() {
    let course = Course::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    course.write(
        ".workbook/class/class.toml",
        &format!("url = \"{url}\"\nclass = \"c\"\nname = \"Ada\"\ntoken = \"t\"\n"),
    );
    let now = workbook_core::class::now_ms();
    course.write(
        ".workbook/class/outbox/00000000000000000001.json",
        &format!(r#"{{"seq":1,"exercise":"demo.add","passed":true,"hints":0,"at_ms":{now}}}"#),
    );
    let (seen, events) = mpsc::channel();
    let accepted = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            if accepted.send(Seen::Connected(stream)).is_err() {
                return;
            }
        }
    });
    let deadline = Instant::now() + DEADLINE;
    let next = |what: &str| {
        events
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("waited {DEADLINE:?} for {what}"))
    };

    // The first sender connects, and waits for its answer.
    let mut first = course
        .command(&["class", "send"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let Seen::Connected(held) = next("the first sender's connection") else {
        unreachable!("it has not ended: it waits for an answer");
    };
    read_request(&held);

    // A second sender, meanwhile, finds it at work and leaves.
    let (left, out) = run(&course, &["class", "send"]);
    assert!(left, "{out}");

    // The first one's try fails (the connection closes unanswered) and it ends, or tries
    // again for the second: only the second leaves nothing queued.
    drop(held);
    std::thread::spawn(move || {
        let _ = seen.send(Seen::Ended(first.wait().unwrap()));
    });
    match next("the first sender to try again or to end") {
        Seen::Ended(status) => panic!(
            "the sender ended ({status}) after its failed try, with {} verdict(s) still queued \
             that the second sender left to it",
            course
                .path(".workbook/class/outbox")
                .read_dir()
                .unwrap()
                .count()
        ),
        Seen::Connected(mut again) => {
            let request = read_request(&again);
            assert!(request.contains("\"demo.add\""), "{request}");
            again
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"kept\":1}")
                .unwrap();
        }
    }
    let Seen::Ended(status) = next("the sender to end") else {
        panic!("a third connection: the verdict was kept once already");
    };
    assert!(status.success());
    let queued = course
        .path(".workbook/class/outbox")
        .read_dir()
        .unwrap()
        .count();
    assert_eq!(queued, 0, "sent, and taken off the queue");
}
