//! Tiny courses of their own for the runner to work on, each in a fresh temporary folder.
//! The maintainers' checks (tools/workbook-dev) are tested on them too: their tests include
//! this file, and each test binary says which program `Course::command` runs (`RUNNER`).
//!
//! The smallest is one lesson (`demo`, package `l01-demo`) with one exercise (`demo.add`)
//! whose stub fails and whose solution passes, and a one-chapter book. Tests add what
//! they need: a second exercise, a second lesson, a crate the lessons share.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long one command of the runner may take on a fixture course: a check builds the
/// course's crates, which takes seconds on a quiet machine and many more on a loaded one.
/// As long as the test runner gives the test (`testkit::deadline`), and no shorter: a
/// runner that hangs is ended by the runner's deadline, whose report names this wait.
pub const RUN_PATIENCE: Duration = testkit::deadline::TEST;

/// Runs `command`, the runner with `args`, to its end within [`RUN_PATIENCE`].
pub fn output_of(command: &mut Command, args: &[&str]) -> Output {
    testkit::output_within(
        &format!("`workbook {}`", args.join(" ")),
        command,
        RUN_PATIENCE,
    )
}

pub const STUB: &str = "/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    // TODO: return the sum of a and b.\n    let _ = (a, b);\n    todo!(\"add a and b\")\n}\n";
pub const ANSWER: &str =
    "/// Adds two numbers.\npub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n";

/// The runner with `args`, started in `dir` (a course's folder, or one inside it) as a
/// learner starts it: in English and with no base port of the machine's, unless a test
/// says otherwise.
pub fn runner_in(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(crate::RUNNER);
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        // English, whatever the machine's locale; a test that wants Chinese says so.
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env_remove("CARGO_PKG_NAME")
        // The machine's base port is not this course's: a test that wants one says so.
        .env_remove("WORKBOOK_BASE_PORT")
        .stdin(Stdio::null());
    command
}

/// A course in a temporary folder, removed when dropped.
pub struct Course {
    pub dir: PathBuf,
}

impl Course {
    pub fn new() -> Course {
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
            "[workspace]\nresolver = \"3\"\nmembers = [\"lessons/*\", \"common\"]\n",
        );
        course.write(
            "lessons/01-demo/Cargo.toml",
            "[package]\nname = \"l01-demo\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n\n[features]\nsolution = []\n",
        );
        course.write(
            "lessons/01-demo/lesson.toml",
            r#"id = "demo"
title = "Demo"
minutes = { run = 5 }

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
        // A crate for what lessons share; no lesson uses it unless a test says so.
        course.write(
            "common/Cargo.toml",
            "[package]\nname = \"common\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        );
        course.write(
            "common/src/lib.rs",
            "pub fn greeting() -> &'static str {\n    \"hello\"\n}\n",
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
            "# Demo\n\n```rust\n{{#include ../../lessons/01-demo/src/lib.rs:double}}\n```\n\n<!-- teacher-notes -->\nShow `double`.\n<!-- /teacher-notes -->\n",
        );
        course
    }

    /// Adds `demo.triple` to lesson `demo`, after `demo.add`; its stub fails too.
    pub fn with_second_exercise(self) -> Course {
        let toml = self.read("lessons/01-demo/lesson.toml");
        self.write(
            "lessons/01-demo/lesson.toml",
            &format!(
                "{toml}\n[[exercise]]\nid = \"demo.triple\"\ntitle = \"Triple a number\"\nfile = \"src/exercises/triple.rs\"\ntest = \"triple\"\nhints = [\"Three times.\"]\n"
            ),
        );
        let lib = self.read("lessons/01-demo/src/lib.rs");
        self.write(
            "lessons/01-demo/src/lib.rs",
            &lib.replace(
                "    pub mod add;\n",
                "    pub mod add;\n    #[cfg_attr(feature = \"solution\", path = \"../../solutions/triple.rs\")]\n    pub mod triple;\n",
            ),
        );
        self.write(
            "lessons/01-demo/src/exercises/triple.rs",
            "pub fn triple(x: u32) -> u32 {\n    // TODO: three times x.\n    todo!(\"triple {x}\")\n}\n",
        );
        self.write(
            "lessons/01-demo/solutions/triple.rs",
            "pub fn triple(x: u32) -> u32 {\n    3 * x\n}\n",
        );
        self.write(
            "lessons/01-demo/tests/triple.rs",
            "#[test]\nfn triples_two() {\n    assert_eq!(l01_demo::exercises::triple::triple(2), 6);\n}\n",
        );
        self
    }

    /// Adds a second lesson, `two` (package `l02-two`), whose one exercise `two.greet`
    /// uses the shared crate, and, with `reuses_lesson_one`, lesson one's crate too: the
    /// mistake that lets a learner's file of lesson one break lesson two.
    pub fn with_second_lesson(self, reuses_lesson_one: bool) -> Course {
        let lesson_one = if reuses_lesson_one {
            "l01-demo = { path = \"../01-demo\" }\n"
        } else {
            ""
        };
        self.write(
            "lessons/02-two/Cargo.toml",
            &format!(
                "[package]\nname = \"l02-two\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\ncommon = {{ path = \"../../common\" }}\n{lesson_one}\n[features]\nsolution = []\n"
            ),
        );
        self.write(
            "lessons/02-two/lesson.toml",
            "id = \"two\"\ntitle = \"Two\"\nminutes = { run = 5 }\n\n[[exercise]]\nid = \"two.greet\"\ntitle = \"Greet\"\nfile = \"src/exercises/greet.rs\"\ntest = \"greet\"\nhints = [\"Say it.\"]\n",
        );
        self.write(
            "lessons/02-two/src/lib.rs",
            "#[cfg_attr(not(feature = \"solution\"), allow(unused_variables, unused_imports, dead_code))]\npub mod exercises {\n    #[cfg_attr(feature = \"solution\", path = \"../../solutions/greet.rs\")]\n    pub mod greet;\n}\n",
        );
        self.write(
            "lessons/02-two/src/exercises/greet.rs",
            "pub fn greet() -> String {\n    // TODO: greet with common::greeting().\n    todo!(\"greet\")\n}\n",
        );
        self.write(
            "lessons/02-two/solutions/greet.rs",
            "pub fn greet() -> String {\n    common::greeting().to_string()\n}\n",
        );
        self.write(
            "lessons/02-two/tests/greet.rs",
            "#[test]\nfn greets() {\n    assert_eq!(l02_two::exercises::greet::greet(), \"hello\");\n}\n",
        );
        let summary = self.read("book/src/SUMMARY.md");
        self.write(
            "book/src/SUMMARY.md",
            &format!("{summary}- [02 · Two](02-two.md)\n"),
        );
        self.write(
            "book/src/02-two.md",
            "# Two\n\n<!-- teacher-notes -->\nGreet.\n<!-- /teacher-notes -->\n",
        );
        self
    }

    /// Adds `lessons/01-demo/lesson.zh-CN.toml`: the lesson's title and `demo.add`'s in
    /// Chinese, with its hints and its stub's words; any other exercise stays English.
    pub fn with_chinese(self) -> Course {
        self.write(
            "lessons/01-demo/lesson.zh-CN.toml",
            "title = \"演示课\"\n\n[[exercise]]\nid = \"demo.add\"\ntitle = \"两数相加\"\nhints = [\"数可以相加。\", \"用 + 运算符。\"]\n\n[tests]\n\"add a and b\" = \"把 a 和 b 相加\"\n",
        );
        self
    }

    /// Makes `01-demo.md` a chapter of prose and writes `zh.json`, the Chinese of every
    /// message of the book but its second paragraph, for `i18n import` to read: the course
    /// of the tests of the zh-CN edition, once its translations are imported.
    pub fn with_chapter_to_translate(self) -> Course {
        self.write(
            "book/src/01-demo.md",
            "# Demo\n\nA service answers.\n\nAnother paragraph.\n",
        );
        self.write(
            "zh.json",
            r#"{"Summary": "目录", "01 · Demo": "01 · 演示", "Demo": "演示", "A service answers.": "服务作答。", "Demo course": "演示课程"}"#,
        );
        self
    }

    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.dir.join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.dir.join(relative)).unwrap()
    }

    /// The runner in this course, as a learner starts it, from a nested folder.
    pub fn command(&self, args: &[&str]) -> Command {
        runner_in(&self.dir.join("lessons/01-demo"), args)
    }

    /// Runs the runner: whether it succeeded, and what it printed (stdout, then stderr).
    /// Past [`RUN_PATIENCE`], it is killed and the test fails with what it printed.
    pub fn run(&self, args: &[&str]) -> (bool, String) {
        let Output {
            status,
            stdout,
            stderr,
        } = output_of(&mut self.command(args), args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
        (status.success(), text)
    }

    /// Writes the translations in the JSON file `relative` into the zh-CN catalog, as
    /// `workbook-dev i18n import` does (the same code, called directly).
    pub fn import_translations(&self, relative: &str) {
        workbook_book::i18n::import(&self.dir, &[self.path(relative)], None, "zh-CN").unwrap();
    }

    /// Builds the book, every edition, into `book/build/`, as `book` and `verify` do.
    pub fn build_book(&self) {
        workbook_book::build(&self.dir).unwrap();
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }
}

impl Drop for Course {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}
