//! The runner against a tiny course of its own: one lesson, one exercise whose stub
//! fails and whose solution passes, and a one-chapter book.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const STUB: &str = "/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    // TODO: return the sum of a and b.\n    let _ = (a, b);\n    todo!(\"add a and b\")\n}\n";
const ANSWER: &str = "/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";

struct Course {
    dir: PathBuf,
}

impl Course {
    fn new() -> Course {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "workbook-course-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        let course = Course { dir };
        course.write(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"lessons/*\"]\n",
        );
        course.write(
            "lessons/01-demo/Cargo.toml",
            "[package]\nname = \"l01-demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[features]\nsolution = []\n",
        );
        course.write(
            "lessons/01-demo/lesson.toml",
            r#"id = "demo"
title = "A demonstration"

[[exercise]]
id = "demo.add"
title = "Add two numbers"
file = "src/exercises/add.rs"
test = "add"
hints = ["Numbers can be added.", "Use the + operator."]
"#,
        );
        course.write(
            "lessons/01-demo/src/lib.rs",
            "// ANCHOR: double\npub fn double(x: u32) -> u32 {\n    x * 2\n}\n// ANCHOR_END: double\n\n#[cfg_attr(not(feature = \"solution\"), allow(unused_variables, unused_imports, dead_code))]\npub mod exercises {\n    #[cfg_attr(feature = \"solution\", path = \"../../solutions/add.rs\")]\n    pub mod add;\n}\n",
        );
        course.write("lessons/01-demo/src/exercises/add.rs", STUB);
        course.write("lessons/01-demo/solutions/add.rs", ANSWER);
        course.write(
            "lessons/01-demo/tests/add.rs",
            "#[test]\nfn adds_two_and_three() {\n    assert_eq!(l01_demo::exercises::add::add(2, 3), 5);\n}\n",
        );
        course.write(
            "book/book.toml",
            "[book]\ntitle = \"Demo course\"\nsrc = \"src\"\n\n[build]\nbuild-dir = \"build\"\n",
        );
        course.write(
            "book/src/SUMMARY.md",
            "# Summary\n\n- [01 · Demo](01-demo.md)\n",
        );
        course.write(
            "book/src/01-demo.md",
            "# Demo\n\n```rust\n{{#include ../../lessons/01-demo/src/lib.rs:double}}\n```\n",
        );
        course
    }

    fn write(&self, relative: &str, contents: &str) {
        let path = self.dir.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.dir.join(relative)).unwrap()
    }

    /// Runs the runner in the course, as a learner would, from a nested folder.
    fn run(&self, args: &[&str]) -> (bool, String) {
        let cwd: &Path = &self.dir.join("lessons/01-demo");
        let Output {
            status,
            stdout,
            stderr,
        } = Command::new(env!("CARGO_BIN_EXE_workbook"))
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env_remove("CARGO_PKG_NAME")
            .output()
            .expect("the workbook binary runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
        (status.success(), text)
    }
}

impl Drop for Course {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn verify_passes_when_the_stub_fails_and_the_solution_passes() {
    let course = Course::new();
    let (ok, out) = course.run(&["verify"]);
    assert!(ok, "verify failed:\n{out}");
    assert!(out.contains("demo.add"), "{out}");
    assert!(out.contains("✗ fails"), "{out}");
    assert!(out.contains("✓ passes (1)"), "{out}");
    assert!(out.contains("the book builds"), "{out}");
    assert!(course.dir.join("book/build/index.html").is_file());
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
fn a_learner_checks_asks_for_hints_solves_and_resets() {
    let course = Course::new();

    let (ok, out) = course.run(&["list"]);
    assert!(ok, "{out}");
    assert!(out.contains("demo.add") && out.contains("0/1"), "{out}");

    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(!ok, "the stub passed:\n{out}");
    assert!(out.contains("✗ adds_two_and_three"), "{out}");
    assert!(out.contains("not yet implemented: add a and b"), "{out}");
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
