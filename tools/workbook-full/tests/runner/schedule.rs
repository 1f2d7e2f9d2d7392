//! The course's timing as a learner sees it: `list` says how long the unfinished exercises
//! take. (`workbook-dev verify` holds every lesson and chapter to having its minutes and
//! notes, and is tested there.)

use crate::fixture::{ANSWER, Course};

#[test]
fn list_shows_the_minutes_left() {
    let course = Course::new().with_second_exercise();
    let (ok, out) = course.run(&["list"]);
    assert!(ok, "{out}");
    // demo.add and demo.triple have a test each: the model's floor, 15 min each.
    assert!(out.contains("0/2  · about 30 min left"), "{out}");

    course.write("lessons/01-demo/src/exercises/add.rs", ANSWER);
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(ok, "{out}");
    let (_, out) = course.run(&["list"]);
    assert!(out.contains("1/2  · about 15 min left"), "{out}");
}
