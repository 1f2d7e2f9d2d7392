//! `verify`, for maintainers and CI: stubs fail, solutions pass, the book is whole, and a
//! broken exercise file of one lesson leaves the other lessons building.

use std::fs;

use crate::fixture::{ANSWER, Course};

#[test]
fn verify_passes_when_the_stub_fails_and_the_solution_passes() {
    let course = Course::new();
    let (ok, out) = course.run(&["verify"]);
    assert!(ok, "verify failed:\n{out}");
    assert!(out.contains("demo.add"), "{out}");
    assert!(out.contains("✗ fails"), "{out}");
    assert!(out.contains("✓ passes (1)"), "{out}");
    assert!(out.contains("the book builds"), "{out}");
    assert!(course.path("book/build/index.html").is_file());
}

#[test]
fn verify_fails_when_the_stub_passes_or_the_book_is_broken() {
    let course = Course::new();
    course.write(
        "lessons/01-demo/src/exercises/add.rs",
        &format!("// TODO: nothing\n{ANSWER}"),
    );
    course.write(
        "book/src/01-demo.md",
        "{{#include ../../lessons/01-demo/src/lib.rs:triple}}\n",
    );
    let (ok, out) = course.run(&["verify", "--lesson", "demo"]);
    assert!(!ok, "verify passed:\n{out}");
    assert!(out.contains("✓ PASSES"), "{out}");
    assert!(out.contains("no `ANCHOR: triple`"), "{out}");
}

#[test]
fn verify_finds_a_lesson_that_compiles_another_lesson_s_exercise() {
    let add = "lessons/01-demo/src/exercises/add.rs";

    let course = Course::new().with_second_lesson(false);
    let (ok, out) = course.run(&["verify", "--lesson", "demo"]);
    assert!(ok, "verify failed:\n{out}");
    assert!(
        out.contains(&format!("✓ {add} is compiled by its own lesson only")),
        "{out}"
    );

    // Lesson two compiles lesson one's exercise file as a module of its own.
    let course = Course::new().with_second_lesson(false);
    let lib = "lessons/02-two/src/lib.rs";
    let borrowing = format!(
        "{}\n#[allow(dead_code)]\n#[path = \"../../01-demo/src/exercises/add.rs\"]\nmod borrowed;\n",
        course.read(lib)
    );
    course.write(lib, &borrowing);
    let before = fs::metadata(course.path(add)).unwrap();
    let (ok, out) = course.run(&["verify", "--lesson", "demo"]);
    assert!(!ok, "verify passed:\n{out}");
    assert!(
        out.contains(&format!("✗ {add} is compiled by lesson two too")),
        "{out}"
    );
    // The probe puts the file back as it was, down to its modification time.
    assert_eq!(course.read(add), crate::fixture::STUB);
    let after = fs::metadata(course.path(add)).unwrap();
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());

    // Lesson two depends on lesson one's package: the manifests say so.
    let course = Course::new().with_second_lesson(true);
    let (ok, out) = course.run(&["verify", "--lesson", "demo"]);
    assert!(!ok, "verify passed:\n{out}");
    assert!(
        out.contains("✗ l02-two → l01-demo: a package depends on a lesson's package"),
        "{out}"
    );
}
