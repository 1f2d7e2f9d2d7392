//! The course's timing and teacher notes, as a learner and `verify` see them: `list` says
//! how long the unfinished exercises take, and `verify` fails on a lesson without `run` minutes
//! or a chapter without notes; the built chapter shows its minutes and folded notes.

use crate::fixture::{ANSWER, Course, STUB};

#[test]
fn list_shows_the_minutes_left_and_the_chapter_its_minutes_and_notes() {
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

    // verify proves that the stub fails: put it back.
    course.write("lessons/01-demo/src/exercises/add.rs", STUB);
    let (ok, out) = course.run(&["verify"]);
    assert!(ok, "verify failed:\n{out}");
    let chapter = course.read("book/build/01-demo.html");
    assert!(
        chapter.contains(
            "About 43 min: reading 2, running 5, exercises 30, going over the solutions 6."
        ),
        "{chapter}"
    );
    assert!(
        chapter.contains("<details class=\"teacher-notes\"><summary>Teacher notes</summary>"),
        "{chapter}"
    );
}

#[test]
fn verify_fails_on_a_lesson_without_minutes_or_a_chapter_without_notes() {
    let course = Course::new();
    let toml = course.read("lessons/01-demo/lesson.toml");
    course.write(
        "lessons/01-demo/lesson.toml",
        &toml.replace("minutes = { run = 5 }\n", ""),
    );
    course.write("book/src/01-demo.md", "# Demo\n");
    let (ok, out) = course.run(&["verify", "--lesson", "demo"]);
    assert!(!ok, "verify passed:\n{out}");
    assert!(
        out.contains("has no timing: add `minutes = { run = N }`"),
        "{out}"
    );
    assert!(out.contains("has no teacher notes"), "{out}");
}
