//! The learner's side, as a learner runs it: `class join`, then `check`. A verdict reaches
//! the teacher's page; a server that is stopped, slow or gone holds no check up (the check
//! ends while the server has still answered nothing), and what was queued meanwhile is
//! sent once it answers again.

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use super::{Running, cell};
use crate::fixture::Course;

#[test]
fn a_check_reaches_the_page_and_waits_out_a_stopped_server() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let (ok, out) = course.run(&["class", "join", &server.url, &server.code, "--name", "Ada"]);
    assert!(ok, "{out}");
    assert!(out.contains("Never your code"), "says what is sent: {out}");

    let (passed, out) = course.run(&["check", "demo.add"]);
    assert!(!passed, "the stub fails: {out}");
    let shown = server.watch_until(|message| cell(message, "Ada", "demo.add").is_some());
    let failing = cell(&shown, "Ada", "demo.add").unwrap();
    assert_eq!(failing["passed"], false);
    assert_eq!(failing["test"], "adds_two_and_three", "{failing}");
    assert!(
        failing["message"].as_str().unwrap().contains("add a and b"),
        "the failure's line as the runner showed it: {failing}"
    );

    // Stopped: the check is a check as ever, and its verdict waits.
    let port = server.server().port;
    server.kill();
    let (passed, out) = course.run(&["check", "demo.add"]);
    assert!(!passed && out.contains("demo.add"), "{out}");
    let (_, status) = course.run(&["class", "status"]);
    assert!(status.contains("1 verdicts wait"), "{status}");

    // Back on its address: `class status` sees it answer and sends what waited.
    let server = Running::start(&course, &format!("127.0.0.1:{port}"), "en");
    let (_, status) = course.run(&["class", "status"]);
    assert!(status.contains("The class server answers"), "{status}");
    server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 2)
    });
    let (_, left) = course.run(&["class", "leave"]);
    assert!(left.contains("nothing more is sent"), "{left}");
}

#[test]
fn a_slow_or_gone_server_holds_no_check_up() {
    let course = Course::new();
    // A server that takes every connection and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let (connected, connection) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in silent.incoming() {
            // Held open, unanswered, until the test ends.
            let _ = connected.send(stream);
        }
    });
    let joined = |url: &str| {
        course.write(
            ".workbook/class/class.toml",
            &format!("url = \"{url}\"\nclass = \"c\"\nname = \"Ada\"\ntoken = \"t\"\n"),
        );
    };
    joined(&url);
    let (passed, out) = course.run(&["check", "demo.add"]);
    assert!(!passed && out.contains("demo.add"), "{out}");
    // The check has ended; its sender is still waiting on a server that never answers.
    let held = connection
        .recv_timeout(Duration::from_secs(60))
        .expect("the sender connects");

    // Gone: an address nothing answers at (TEST-NET-1, RFC 5737).
    joined("http://192.0.2.1:9");
    let (passed, out) = course.run(&["check", "demo.add"]);
    assert!(!passed && out.contains("demo.add"), "{out}");
    let (_, status) = course.run(&["class", "status"]);
    assert!(status.contains("2 verdicts wait"), "{status}");
    drop(held);
    let (_, left) = course.run(&["class", "leave"]);
    assert!(left.contains("2 unsent verdicts deleted"), "{left}");
}
