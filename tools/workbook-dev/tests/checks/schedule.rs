//! The course's timing and teacher notes, as `verify` sees them: it fails on a lesson
//! without `run` minutes or a chapter without notes; the built chapter shows its minutes and
//! folded notes.

use crate::fixture::Course;

#[test]
fn the_built_chapter_shows_its_minutes_and_notes() {
    let course = Course::new().with_second_exercise();
    let (ok, out) = course.run(&["verify"]);
    assert!(ok, "verify failed:\n{out}");
    let chapter = course.read("book/build.verify/01-demo.html");
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
