//! A learner who only opened an exercise is reading, not stuck: `watch` checks the
//! exercise it opens at once, and its untouched stub fails, but the page shows it not
//! started (grey) however long ago that was. Stuck is failing after writing something.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use super::{DEADLINE, Running, cell};
use crate::fixture::Course;

#[test]
fn a_learner_who_opens_watch_on_an_untouched_exercise_stays_not_started() {
    if programs::find_on_path("script").is_none() {
        return println!("skipped: script is not installed (apt-get install bsdutils)");
    }
    // Stuck from the first failure on: a failing cell would be in the stuck list at once.
    let class = Running::with_learners(Course::new(), "en", &["--stuck-after", "0"], &[]);
    class.join_with_runner("Ada");
    let (server, course) = (&class.server, &class.course);

    // `watch demo.add` as a learner runs it, in a terminal: `script` gives it one.
    let runner = course.command(&["watch", "demo.add"]);
    let line = format!("{} watch demo.add", runner.get_program().to_string_lossy());
    let mut terminal = Command::new("script");
    terminal
        .args([
            "--quiet",
            "--flush",
            "--return",
            "--command",
            &line,
            "/dev/null",
        ])
        .current_dir(runner.get_current_dir().unwrap())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in runner.get_envs() {
        match value {
            Some(value) => terminal.env(key, value),
            None => terminal.env_remove(key),
        };
    }
    let mut session = terminal.spawn().expect("script starts");

    // The session's first check reaches the class: the exercise Ada is on, not started.
    let seen = server.watch_until(|message| cell(message, "Ada", "demo.add").is_some());
    let row = match seen["type"].as_str() {
        Some("row") => &seen["row"],
        _ => seen["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["name"] == "Ada")
            .unwrap(),
    };
    let add = &row["cells"]["demo.add"];
    assert_eq!(row["current"], "demo.add", "{row}");
    assert_eq!(add["passed"], false, "the stub fails: {add}");
    assert_eq!(add["started"], false, "only opened: {add}");
    assert!(add.get("failing_since_ms").is_none(), "{add}");
    // A page opened now is sent the same: grey, and no one stuck.
    let snapshot = server.watch_until(|message| message["type"] == "snapshot");
    let add = cell(&snapshot, "Ada", "demo.add").unwrap();
    assert_eq!(add["started"], false, "{add}");

    // The learner quits the session (`q`).
    let _ = session.stdin.take().unwrap().write_all(b"q");
    let (ended, exit) = mpsc::channel();
    // deadline: the `recv_timeout` below bounds the wait for this thread's answer
    let waiter = std::thread::spawn(move || {
        let status = session.wait();
        let _ = ended.send(status);
    });
    if exit.recv_timeout(DEADLINE).is_err() {
        panic!("watch still ran {DEADLINE:?} after q");
    }
    // deadline: it has sent its answer above, its last act
    waiter.join().unwrap();
}
