//! The learner's side, as a learner runs it: `class join`, then `check`. A verdict reaches
//! the teacher's page; a server that is stopped, slow or gone holds no check up (the check
//! ends while the server has still answered nothing), and what was queued meanwhile is
//! sent once it answers again.

use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use super::{Class, Running, batch, cell, run};
use crate::fixture::Course;

#[test]
fn a_check_reaches_the_page_and_waits_out_a_stopped_server() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    let out = class.join_with_runner("Ada");
    assert!(out.contains("Never your code"), "says what is sent: {out}");
    let Class { server, course, .. } = class;

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
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let mode = std::fs::metadata(class.course.path(".workbook/class/class.toml"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[test]
fn a_verdict_the_server_refuses_costs_none_of_the_others() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let (server, course) = (&class.server, &class.course);
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
    let (ok, out) = run(course, &["class", "send"]);
    assert!(ok, "{out}");
    let reports = server.export();
    assert_eq!(reports[0]["exercises"][0]["attempts"], 2, "{reports:?}");
    let (_, status) = run(course, &["class", "status"]);
    assert!(
        status.contains("demo.newer"),
        "the refusal is told: {status}"
    );
}

#[test]
fn a_lesson_check_makes_no_one_stuck_and_a_check_alone_does() {
    let class = Running::with_learners(Course::new().with_second_exercise(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let (server, course) = (&class.server, &class.course);
    // The whole course checked: both stubs fail, neither is the exercise Ada is on.
    let (passed, out) = run(course, &["check"]);
    assert!(!passed, "{out}");
    let row = server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some() && cell(message, "Ada", "demo.triple").is_some()
    });
    let add = cell(&row, "Ada", "demo.add").unwrap();
    assert_eq!(add["passed"], false);
    assert_eq!(add["started"], false, "an untouched stub: {add}");
    assert!(add.get("failing_since_ms").is_none(), "{add}");
    // Checked alone, still its stub: the exercise Ada is on, and not started.
    let (passed, out) = run(course, &["check", "demo.add"]);
    assert!(!passed, "{out}");
    let row = server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 2)
    });
    let add = cell(&row, "Ada", "demo.add").unwrap();
    assert_eq!(
        add["started"], false,
        "an untouched stub checked alone: {add}"
    );
    assert!(add.get("failing_since_ms").is_none(), "{add}");
    // Something written, and failing: failing since.
    course.write(
        "lessons/01-demo/src/exercises/add.rs",
        "pub fn add(a: u32, b: u32) -> u32 {\n    a * b\n}\n",
    );
    let (passed, out) = run(course, &["check", "demo.add"]);
    assert!(!passed, "{out}");
    let row = server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 3)
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
        (Some(true), Some(2))
    );
    assert!(add["failing_since_ms"].is_u64(), "{add}");
    assert_eq!(ada["cells"]["demo.triple"]["started"], false);
}

/// The re-join code in what `class join` printed: the word after "re-join code is".
pub(super) fn rejoin_code_in(out: &str) -> String {
    // NO_COLOR: the runner's output is plain text.
    let after = out
        .split("re-join code is ")
        .nth(1)
        .unwrap_or_else(|| panic!("no re-join code printed: {out}"));
    after
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn a_learner_joins_again_from_a_new_clone_with_their_rejoin_code() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    let (server, course) = (&class.server, &class.course);
    let join = |clone: &Course, more: &[&str]| {
        let mut args = vec!["class", "join", &server.url, &server.code, "--name", "Ada"];
        args.extend_from_slice(more);
        run(clone, &args)
    };
    let (ok, out) = join(course, &[]);
    assert!(ok, "{out}");
    let first = rejoin_code_in(&out);
    assert_eq!(first.len(), 10, "{out}");
    // Kept with the token, in the file only the learner reads, and shown by `class status`.
    let kept = std::fs::read_to_string(course.path(".workbook/class/class.toml")).unwrap();
    assert!(kept.contains(&first), "{kept}");
    let (_, status) = run(course, &["class", "status"]);
    assert!(status.contains(&first), "{status}");
    let old = kept
        .lines()
        .find_map(|line| line.strip_prefix("token = "))
        .unwrap()
        .trim_matches('"')
        .to_string();

    // A new clone (the old one lost): the name is taken, and the message says how back in.
    let clone = Course::new();
    let (ok, out) = join(&clone, &[]);
    assert!(!ok && out.contains("--rejoin"), "{out}");
    let (ok, out) = join(&clone, &["--rejoin", "WRONGCODE9"]);
    assert!(!ok && out.contains("re-join code is not Ada's"), "{out}");
    // The teacher has closed joining meanwhile: the class's own learners still come back.
    let dir = course.path("class");
    let (ok, out) = run(
        course,
        &["class", "roster", "--dir", dir.to_str().unwrap(), "close"],
    );
    assert!(ok, "{out}");
    // Typed as a learner copies it: in small letters, in two halves.
    let typed = format!("{}-{}", &first[..5], &first[5..].to_lowercase());
    let (ok, out) = join(&clone, &["--rejoin", &typed]);
    assert!(ok, "{out}");
    let next = rejoin_code_in(&out);
    assert_ne!(next, first, "a new code for the next time");

    // The old copy's token is no one's; the new clone's verdicts are Ada's.
    let refused = server.post("/api/verdicts", Some(&old), &batch(1, "demo.add", false));
    assert_eq!(refused.status, 401, "{}", refused.body);
    let (passed, out) = run(&clone, &["check", "demo.add"]);
    assert!(!passed, "the stub fails: {out}");
    server.watch_until(|message| cell(message, "Ada", "demo.add").is_some());
    assert_eq!(server.export().len(), 1, "one Ada");
    // A code works once.
    let (ok, out) = join(&Course::new(), &["--rejoin", &first]);
    assert!(!ok, "{out}");
}
