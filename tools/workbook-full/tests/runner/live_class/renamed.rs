//! The roster's changes as the learner's runner meets them, the runner run as a process
//! against a real class server: renamed by the teacher, it hears its new name with the
//! answer to its next verdicts, says so in one line and prints its re-join line under it
//! (and the line it printed before still finds the row); merged into another row, its
//! copy goes on sending into that row and says so; a copy that joins again under another
//! name takes its row with it (renamed, its verdicts kept), and under its own name is in
//! already, which is no error.

use super::learner::rejoin_code_in;
use super::{Running, run};
use crate::fixture::Course;

/// A verdict waiting in `course`'s queue, as a check leaves it; `class send` takes it.
fn queue_one(course: &Course, seq: u64) {
    let now = workbook_core::class::now_ms();
    course.write(
        &format!(".workbook/class/outbox/{seq:020}.json"),
        &format!(
            r#"{{"seq":{seq},"exercise":"demo.add","passed":false,"hints":0,"at_ms":{now},"current":true}}"#
        ),
    );
}

/// `class send` in `course`, which must leave nothing waiting (looked at in the queue's
/// folder: `class status` would say what the answers told, which the tests read).
fn send(course: &Course) {
    let (ok, out) = run(course, &["class", "send"]);
    assert!(ok, "{out}");
    let waiting = std::fs::read_dir(course.path(".workbook/class/outbox"))
        .map_or(0, |entries| entries.flatten().count());
    assert_eq!(waiting, 0, "verdicts still wait after class send");
}

/// The class's learners, by name, with how many verdicts each row holds.
fn rows(server: &Running) -> Vec<(String, u64)> {
    server
        .export()
        .iter()
        .map(|report| {
            let attempts = report["exercises"]
                .as_array()
                .map_or(0, |e| e.iter().filter_map(|e| e["attempts"].as_u64()).sum());
            (report["learner"].as_str().unwrap().to_string(), attempts)
        })
        .collect()
}

fn roster(class: &super::Class, args: &[&str]) {
    let dir = class.course.path("class");
    let mut all = vec!["class", "roster", "--dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let (ok, out) = run(&class.course, &all);
    assert!(ok, "class roster {args:?}: {out}");
}

#[test]
fn a_renamed_learner_hears_their_new_name_and_joins_again_under_it() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    let joined = class.join_with_runner("Ada");
    let (server, course) = (&class.server, &class.course);
    roster(&class, &["rename", "Ada", "Ada L."]);

    // The next verdicts land in her row, and the answer tells her runner its name.
    queue_one(course, 1);
    send(course);
    assert_eq!(rows(server), [("Ada L.".to_string(), 1)]);
    // Said once, in one line, at her next command.
    let (_, status) = run(course, &["class", "status"]);
    let said: Vec<&str> = status
        .lines()
        .filter(|line| line.contains("renamed you"))
        .collect();
    assert_eq!(said.len(), 1, "{status}");
    assert!(
        said[0].contains("you are Ada L. now (you were Ada)"),
        "{status}"
    );
    assert!(status.contains("as Ada L."), "{status}");
    // Her re-join line under the name the class has for her.
    assert!(status.contains(r#"--name "Ada L." --rejoin"#), "{status}");
    let (_, again) = run(course, &["class", "status"]);
    assert!(!again.contains("renamed you"), "said once: {again}");

    // The line she wrote down at join, with her old name, finds her row on a new machine:
    // no new, empty row.
    let code = rejoin_code_in(&joined);
    let clone = Course::new();
    let (ok, out) = run(
        &clone,
        &[
            "class",
            "join",
            &server.url,
            &server.code,
            "--name",
            "Ada",
            "--rejoin",
            &code,
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("as Ada L."), "{out}");
    queue_one(&clone, 2);
    send(&clone);
    assert_eq!(rows(server), [("Ada L.".to_string(), 2)]);
}

#[test]
fn a_merged_copy_sends_into_the_row_it_was_merged_into() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let server = &class.server;
    // Ada's second clone, joined under another name.
    let second = Course::new();
    let (ok, out) = run(
        &second,
        &[
            "class",
            "join",
            &server.url,
            &server.code,
            "--name",
            "Ada 2",
        ],
    );
    assert!(ok, "{out}");
    queue_one(&class.course, 1);
    send(&class.course);
    roster(&class, &["merge", "Ada 2", "Ada"]);
    assert_eq!(rows(server), [("Ada".to_string(), 1)]);

    // The second clone is no one removed: its verdicts go to Ada's row.
    queue_one(&second, 2);
    send(&second);
    assert_eq!(rows(server), [("Ada".to_string(), 2)]);
    let (passed, out) = run(&second, &["check", "demo.add"]);
    assert!(!passed, "the stub fails: {out}");
    let said: Vec<&str> = out.lines().filter(|line| line.contains("merged")).collect();
    assert_eq!(said.len(), 1, "{out}");
    assert!(
        said[0].contains("merged your row Ada 2 into Ada's"),
        "{out}"
    );
    let (_, status) = run(&second, &["class", "status"]);
    assert!(status.contains("as Ada."), "{status}");
    assert!(!status.contains("removed"), "{status}");
    assert!(
        !status.contains("--rejoin"),
        "no re-join code of a row that is gone: {status}"
    );
    // Its check reached Ada's row too.
    server.watch_until(|message| {
        super::cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 3)
    });
}

#[test]
fn a_copy_joining_again_under_another_name_takes_its_row_with_it() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let (server, course) = (&class.server, &class.course);
    queue_one(course, 1);
    send(course);
    let join = |name: &str| {
        run(
            course,
            &["class", "join", &server.url, &server.code, "--name", name],
        )
    };
    // The projected line again, the name typed in another case: in already, no error.
    let (ok, out) = join("ada");
    assert!(ok, "{out}");
    assert!(
        out.contains("You are in this class already, as Ada: nothing to do"),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("error"), "{out}");
    // Another name: her row goes with her, none left behind.
    queue_one(course, 2);
    let (ok, out) = join("Ada Lovelace");
    assert!(ok, "{out}");
    assert!(
        out.contains("You were Ada in this class; you are Ada Lovelace now"),
        "{out}"
    );
    // What waited is the same class's, and goes.
    send(course);
    assert_eq!(rows(server), [("Ada Lovelace".to_string(), 2)]);
    let (_, status) = run(course, &["class", "status"]);
    assert!(status.contains("as Ada Lovelace."), "{status}");
    // A name another learner has is theirs, as ever.
    server.join("Bob");
    let (ok, out) = join("Bob");
    assert!(!ok && out.contains("already called Bob"), "{out}");
}
