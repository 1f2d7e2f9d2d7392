//! The learner's side, as a learner runs it: `class join`, then `check`. A verdict reaches
//! the teacher's page; a server that is stopped, slow or gone holds no check up (the check
//! ends while the server has still answered nothing), and what was queued meanwhile is
//! sent once it answers again.

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use super::{Running, cell, run};
use crate::fixture::Course;

#[test]
fn a_check_reaches_the_page_and_waits_out_a_stopped_server() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let (ok, out) = run(
        &course,
        &["class", "join", &server.url, &server.code, "--name", "Ada"],
    );
    assert!(ok, "{out}");
    assert!(out.contains("Never your code"), "says what is sent: {out}");

    let (passed, out) = run(&course, &["check", "demo.add"]);
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
    let (passed, out) = run(&course, &["check", "demo.add"]);
    assert!(!passed && out.contains("demo.add"), "{out}");
    let (_, status) = run(&course, &["class", "status"]);
    assert!(status.contains("1 verdict waits"), "{status}");

    // Back on its address: `class status` sees it answer and sends what waited.
    let server = Running::start(&course, &format!("127.0.0.1:{port}"), "en");
    let (_, status) = run(&course, &["class", "status"]);
    assert!(status.contains("The class server answers"), "{status}");
    server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 2)
    });
    let (_, left) = run(&course, &["class", "leave"]);
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
    let (passed, out) = run(&course, &["check", "demo.add"]);
    assert!(!passed && out.contains("demo.add"), "{out}");
    // The check has ended; its sender is still waiting on a server that never answers.
    let held = connection
        .recv_timeout(Duration::from_secs(60))
        .expect("the sender connects");

    // Gone: an address nothing answers at (TEST-NET-1, RFC 5737).
    joined("http://192.0.2.1:9");
    let (passed, out) = run(&course, &["check", "demo.add"]);
    assert!(!passed && out.contains("demo.add"), "{out}");
    let (_, status) = run(&course, &["class", "status"]);
    assert!(status.contains("2 verdicts wait"), "{status}");
    drop(held);
    let (_, left) = run(&course, &["class", "leave"]);
    assert!(left.contains("2 unsent verdicts deleted"), "{left}");
}

#[test]
fn the_learners_token_is_theirs_alone() {
    use std::os::unix::fs::PermissionsExt;
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let (ok, out) = run(
        &course,
        &["class", "join", &server.url, &server.code, "--name", "Ada"],
    );
    assert!(ok, "{out}");
    let mode = std::fs::metadata(course.path(".workbook/class/class.toml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[test]
fn a_verdict_the_server_refuses_costs_none_of_the_others() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let (ok, out) = run(
        &course,
        &["class", "join", &server.url, &server.code, "--name", "Ada"],
    );
    assert!(ok, "{out}");
    // Three waiting, the middle one of an exercise this server's course does not have
    // (a learner's copy newer than the teacher's).
    let now = workbook_core::class::now_ms();
    for (seq, exercise) in [(1, "demo.add"), (2, "demo.newer"), (3, "demo.add")] {
        course.write(
            &format!(".workbook/class/outbox/{seq:020}.json"),
            &format!(
                r#"{{"seq":{seq},"exercise":"{exercise}","passed":false,"hints":0,"at_ms":{now},"current":true}}"#
            ),
        );
    }
    let (ok, out) = run(&course, &["class", "send"]);
    assert!(ok, "{out}");
    let reports = server.export();
    assert_eq!(reports[0]["exercises"][0]["attempts"], 2, "{reports:?}");
    let (_, status) = run(&course, &["class", "status"]);
    assert!(
        status.contains("demo.newer"),
        "the refusal is told: {status}"
    );
}

#[test]
fn a_lesson_check_makes_no_one_stuck_and_a_check_alone_does() {
    let course = Course::new().with_second_exercise();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let (ok, out) = run(
        &course,
        &["class", "join", &server.url, &server.code, "--name", "Ada"],
    );
    assert!(ok, "{out}");
    // The whole course checked: both stubs fail, neither is the exercise Ada is on.
    let (passed, out) = run(&course, &["check"]);
    assert!(!passed, "{out}");
    let row = server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some() && cell(message, "Ada", "demo.triple").is_some()
    });
    let add = cell(&row, "Ada", "demo.add").unwrap();
    assert_eq!(add["passed"], false);
    assert_eq!(add["started"], false, "an untouched stub: {add}");
    assert!(add.get("failing_since_ms").is_none(), "{add}");
    // Checked alone: the exercise Ada is on, failing since.
    let (passed, out) = run(&course, &["check", "demo.add"]);
    assert!(!passed, "{out}");
    let row = server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 2)
    });
    let ada = match row["type"].as_str() {
        Some("row") => &row["row"],
        _ => row["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Ada")
            .unwrap(),
    };
    assert_eq!(ada["current"], "demo.add", "{ada}");
    let add = &ada["cells"]["demo.add"];
    assert_eq!(
        (add["started"].as_bool(), add["tries"].as_u64()),
        (Some(true), Some(1))
    );
    assert!(add["failing_since_ms"].is_u64(), "{add}");
    assert_eq!(ada["cells"]["demo.triple"]["started"], false);
}
