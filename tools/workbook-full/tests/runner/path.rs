//! The learner's path: a session started at any lesson or exercise, the next step after a
//! pass (the rest of the lesson, then the lessons after it, done ones skipped), and
//! suggestions for an id the course does not have.

use crate::fixture::{ANSWER, Course};

const TRIPLE: &str = "pub fn triple(x: u32) -> u32 {\n    3 * x\n}\n";
const GREET: &str = "pub fn greet() -> String {\n    common::greeting().to_string()\n}\n";

#[test]
fn a_session_starts_at_the_exercise_or_lesson_asked_for() {
    let course = Course::new()
        .with_second_exercise()
        .with_second_lesson(false);
    // Without a terminal the session prints where it would start, and stops.
    let (ok, out) = course.run(&["watch"]);
    assert!(ok && out.contains("▶ demo.add"), "{out}");
    for lesson in ["02", "2", "two", "02-two", "l02-two"] {
        let (ok, out) = course.run(&["watch", lesson]);
        assert!(ok && out.contains("▶ two.greet"), "watch {lesson}:\n{out}");
    }
    let (ok, out) = course.run(&["watch", "demo.triple"]);
    assert!(ok && out.contains("▶ demo.triple"), "{out}");
    let (ok, out) = course.run(&["watch", "demo.tripel"]);
    assert!(
        !ok && out.contains("did you mean demo.triple"),
        "an unknown id is explained:\n{out}"
    );
}

#[test]
fn next_is_the_rest_of_the_lesson_then_the_next_lesson_then_done() {
    let course = Course::new()
        .with_second_exercise()
        .with_second_lesson(false);

    // Lesson two first: next comes back round to lesson one's first open exercise.
    course.write("lessons/02-two/src/exercises/greet.rs", GREET);
    let (ok, out) = course.run(&["check", "two.greet"]);
    assert!(ok, "{out}");
    assert!(out.contains("Next: demo.add (lesson 01)"), "{out}");

    // The second exercise of lesson one: the first, still open, comes before lesson two.
    course.write("lessons/01-demo/src/exercises/triple.rs", TRIPLE);
    let (ok, out) = course.run(&["check", "demo.triple"]);
    assert!(ok, "{out}");
    assert!(out.contains("Next: demo.add (lesson 01)"), "{out}");

    // Everything done: said so, and no next exercise.
    course.write("lessons/01-demo/src/exercises/add.rs", ANSWER);
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(ok, "{out}");
    assert!(!out.contains("Next:"), "{out}");
    assert!(out.contains("the course is done"), "{out}");
}

#[test]
fn next_skips_a_done_exercise_of_the_same_lesson() {
    let course = Course::new()
        .with_second_exercise()
        .with_second_lesson(false);
    course.write("lessons/01-demo/src/exercises/add.rs", ANSWER);
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(ok && out.contains("Next: demo.triple (lesson 01)"), "{out}");
    // demo.add is done: after demo.triple comes lesson two, not demo.add.
    course.write("lessons/01-demo/src/exercises/triple.rs", TRIPLE);
    let (ok, out) = course.run(&["check", "demo.triple"]);
    assert!(ok && out.contains("Next: two.greet (lesson 02)"), "{out}");
}

#[test]
fn an_unknown_id_gets_the_closest_ids_lessons_first() {
    let course = Course::new()
        .with_second_exercise()
        .with_second_lesson(false);
    let (ok, out) = course.run(&["check", "dmeo"]);
    assert!(!ok && out.contains("did you mean demo,"), "{out}");
    let (ok, out) = course.run(&["hint", "demo.tripple"]);
    assert!(!ok && out.contains("did you mean demo.triple?"), "{out}");
    // A word of a title finds its exercise.
    let (ok, out) = course.run(&["check", "greet"]);
    assert!(!ok && out.contains("did you mean two.greet"), "{out}");
}
