//! What a learner is told of their place in the class, as it is: the join line typed again
//! in a copy that joined already; `class status` once the teacher removed them, or once
//! their name joined again from another copy.

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

#[test]
fn the_join_line_typed_again_says_the_learner_is_in_already() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let server = &class.server;
    // The projected line again, the name typed in another case.
    let (ok, out) = run(
        &class.course,
        &["class", "join", &server.url, &server.code, "--name", "ada"],
    );
    assert!(ok, "in already is no error: {out}");
    assert!(
        out.contains("You are in this class already, as Ada"),
        "{out}"
    );
    assert!(!out.contains("choose another name"), "{out}");
    // From another copy, the name is someone else's as ever.
    let (ok, out) = run(
        &Course::new(),
        &["class", "join", &server.url, &server.code, "--name", "Ada"],
    );
    assert!(!ok && out.contains("already called Ada"), "{out}");
}

#[test]
fn class_status_says_the_teacher_removed_the_learner() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    class.join_with_runner("Ada");
    let course = &class.course;
    let dir = course.path("class");
    let (ok, out) = run(
        course,
        &[
            "class",
            "roster",
            "--dir",
            dir.to_str().unwrap(),
            "remove",
            "Ada",
        ],
    );
    assert!(ok, "{out}");
    queue_one(course, 1);
    let (_, _) = run(course, &["class", "send"]);
    let (_, status) = run(course, &["class", "status"]);
    assert!(
        status.contains("The teacher removed Ada from the class"),
        "{status}"
    );
    assert!(!status.contains("started again from nothing"), "{status}");
}

#[test]
fn class_status_says_the_name_joined_from_another_copy() {
    let class = Running::with_learners(Course::new(), "en", &[], &[]);
    let out = class.join_with_runner("Ada");
    let code = rejoin_code_in(&out);
    let server = &class.server;
    // Ada on another machine, with her re-join code.
    let (ok, out) = run(
        &Course::new(),
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
    // The first copy's verdicts are refused, and its status says why.
    let course = &class.course;
    queue_one(course, 1);
    let (_, _) = run(course, &["class", "send"]);
    let (_, status) = run(course, &["class", "status"]);
    assert!(
        status.contains("Ada joined this class again from another copy"),
        "{status}"
    );
    assert!(!status.contains("started again from nothing"), "{status}");
}
