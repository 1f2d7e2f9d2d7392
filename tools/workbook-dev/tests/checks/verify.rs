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
    assert!(course.path("book/build.verify/index.html").is_file());
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

/// A lesson added with nothing outside its folder: no line in SUMMARY.md, no row in the
/// course map, its chapter untranslated, no dependency on the workspace-hack, and its test
/// named as another lesson's. `verify --lesson` names each, with the file and the line to
/// write, in one run.
#[test]
fn verify_lesson_names_what_a_new_lesson_lacks_outside_its_folder() {
    let course = Course::new().with_second_lesson(false);
    // The workspace-hack, which lesson one depends on and lesson two does not.
    course.write(
        "Cargo.toml",
        "[workspace]\nresolver = \"3\"\nmembers = [\"lessons/*\", \"common\", \"tools/workspace-hack\"]\n",
    );
    course.write(
        ".config/hakari.toml",
        "hakari-package = \"workspace-hack\"\nresolver = \"2\"\n\n[traversal-excludes]\nworkspace-members = [\"common\"]\n",
    );
    course.write(
        "tools/workspace-hack/Cargo.toml",
        "[package]\nname = \"workspace-hack\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    );
    course.write("tools/workspace-hack/src/lib.rs", "");
    let manifest = course.read("lessons/01-demo/Cargo.toml");
    course.write(
        "lessons/01-demo/Cargo.toml",
        &manifest.replace(
            "[dependencies]\n",
            "[dependencies]\nworkspace-hack = { version = \"0.1\", path = \"../../tools/workspace-hack\" }\n",
        ),
    );
    // Lesson two's exercise test is named `add`, as lesson one's is.
    let toml = course.read("lessons/02-two/lesson.toml");
    course.write(
        "lessons/02-two/lesson.toml",
        &toml.replace("test = \"greet\"", "test = \"add\""),
    );
    fs::rename(
        course.path("lessons/02-two/tests/greet.rs"),
        course.path("lessons/02-two/tests/add.rs"),
    )
    .unwrap();
    // The book: lesson two's chapter is written, but listed nowhere and not translated.
    course.write(
        "book/src/SUMMARY.md",
        "# Summary\n\n[Introduction](introduction.md)\n\n- [01 · Demo](01-demo.md)\n",
    );
    course.write(
        "book/src/introduction.md",
        "# Introduction\n\n| NN | id | lesson | the idea |\n|----|----|--------|----------|\n\
         | 01 | `demo` | [Demo](01-demo.md) | adding |\n\nThe end.\n",
    );
    course.write(
        "book/src/02-two.md",
        "# Two\n\nA greeting, from the shared crate.\n",
    );
    course.write(
        "book/po/zh-CN.po",
        "msgid \"\"\nmsgstr \"\"\n\"Project-Id-Version: demo\\n\"\n\"Language: zh-CN\\n\"\n\
         \"MIME-Version: 1.0\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\
         \"Content-Transfer-Encoding: 8bit\\n\"\n\"Plural-Forms: nplurals=1; plural=0;\\n\"\n",
    );
    course.write(
        "book/po/thresholds.toml",
        "[zh-CN]\n\"01-demo.md\" = 0\n\"02-two.md\" = 100\n",
    );

    let (ok, out) = course.run(&["verify", "--lesson", "two"]);
    assert!(!ok, "verify passed:\n{out}");
    let expected = [
        "book/src/SUMMARY.md:6: does not list 02-two.md, the chapter of lesson `two`: add the \
         line «- [02 · Two](02-two.md)», after line 5 «- [01 · Demo](01-demo.md)»",
        "book/src/introduction.md:6: the course map has no row for 02-two.md, lesson 02 `two` \
         «Two»: add the row «| 02 | `two` | [Two](02-two.md) | what it teaches, in a line |» \
         after line 5, the row of lesson 01",
        "book/po/zh-CN.po: 02-two.md is 0 % translated, under the 100 % \
         book/po/thresholds.toml sets: translate its 2 message(s) left",
        "lessons/02-two/Cargo.toml:8: l02-two does not depend on the workspace-hack, so its \
         builds do not share the workspace's: add «workspace-hack = { version = \"0.1\", path \
         = \"../../tools/workspace-hack\" }» as line 8 (the end of its [dependencies])",
        "lessons/02-two/lesson.toml:9: exercise `two.greet`'s test `add` \
         (lessons/02-two/tests/add.rs) has the name of lessons/01-demo/tests/add.rs too",
    ];
    for line in expected {
        assert!(out.contains(line), "no «{line}» in:\n{out}");
    }
}
