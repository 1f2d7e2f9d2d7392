//! What a learner does: check, ask for hints, solve, see the answer, reset; and what a
//! check says when the build breaks somewhere else.

use crate::fixture::{ANSWER, Course, STUB};

#[test]
fn a_learner_checks_asks_for_hints_solves_and_resets() {
    let course = Course::new();

    let (ok, out) = course.run(&["list"]);
    assert!(ok, "{out}");
    assert!(out.contains("demo.add") && out.contains("0/1"), "{out}");

    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(!ok, "the stub passed:\n{out}");
    assert!(out.contains("✗ adds_two_and_three"), "{out}");
    // The cause, in the learner's words, where it is.
    assert!(
        out.contains(
            "your code is not written yet: lessons/01-demo/src/exercises/add.rs:5: add a and b"
        ),
        "{out}"
    );
    assert!(out.contains("✗ demo.add: 1 of 1 tests failed"), "{out}");

    let (ok, out) = course.run(&["solution", "demo.add"]);
    assert!(!ok && out.contains("unlocks once your own passes"), "{out}");
    assert!(!out.contains("a + b"), "{out}");
    // After the lesson, a teacher shows all of its answers at once.
    let (ok, out) = course.run(&["solution", "demo", "--force"]);
    assert!(
        ok && out.contains("demo.add") && out.contains("a + b"),
        "{out}"
    );

    let (_, out) = course.run(&["hint", "demo.add"]);
    assert!(
        out.contains("Hint 1 of 2") && out.contains("Numbers can be added."),
        "{out}"
    );
    let (_, out) = course.run(&["hint"]);
    assert!(
        out.contains("Hint 2 of 2") && !out.contains("Hint 1 of 2"),
        "{out}"
    );

    course.write("lessons/01-demo/src/exercises/add.rs", ANSWER);
    let (ok, out) = course.run(&["check", "demo"]);
    assert!(ok, "the answer failed:\n{out}");
    assert!(out.contains("✓ demo.add"), "{out}");
    assert!(
        course
            .read(".workbook/state.toml")
            .contains("status = \"passed\"")
    );

    let (ok, out) = course.run(&["solution", "demo.add"]);
    assert!(ok && out.contains("a + b"), "{out}");

    let (ok, out) = course.run(&["reset", "demo.add"]);
    assert!(!ok && out.contains("--yes"), "reset without asking:\n{out}");
    let (ok, out) = course.run(&["reset", "demo.add", "--yes"]);
    assert!(ok, "{out}");
    assert_eq!(course.read("lessons/01-demo/src/exercises/add.rs"), STUB);

    let (ok, out) = course.run(&["check", "nonsense"]);
    assert!(
        !ok && out.contains("no lesson or exercise is called `nonsense`"),
        "{out}"
    );
}

#[test]
fn a_build_broken_elsewhere_names_the_file_and_keeps_progress() {
    let course = Course::new().with_second_exercise();
    course.write("lessons/01-demo/src/exercises/add.rs", ANSWER);
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(ok, "the answer failed:\n{out}");

    // The other exercise's file breaks: demo.add cannot be checked, and says why.
    let triple = "lessons/01-demo/src/exercises/triple.rs";
    course.write(
        triple,
        "pub fn triple(x: u32) -> u32 {\n    // TODO\n    x *\n}\n",
    );
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "demo.add was not checked: the build stops at an error in {triple}:"
        )) && out.contains("(demo.triple's file)"),
        "{out}"
    );
    assert!(out.contains("demo.add stays passed"), "{out}");
    let (_, out) = course.run(&["check", "demo"]);
    assert!(
        out.contains(&format!("— does not compile: {triple}:")),
        "the broken exercise is the one that fails:\n{out}"
    );
    let (_, out) = course.run(&["list"]);
    assert!(out.contains("1/2") && out.contains("✓ demo.add"), "{out}");

    // A crate of another package breaks: its file is named, not the exercise's.
    course.write(triple, "pub fn triple(x: u32) -> u32 {\n    3 * x\n}\n");
    let manifest = course.read("lessons/01-demo/Cargo.toml");
    course.write(
        "lessons/01-demo/Cargo.toml",
        &manifest.replace(
            "[dependencies]\n",
            "[dependencies]\ncommon = { path = \"../../common\" }\n",
        ),
    );
    course.write(
        "common/src/lib.rs",
        "pub fn greeting() -> &'static str {\n    1\n}\n",
    );
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("the build stops at an error in common/src/lib.rs:2"),
        "{out}"
    );
    let (_, out) = course.run(&["list"]);
    assert!(out.contains("1/2") && out.contains("✓ demo.add"), "{out}");
}
