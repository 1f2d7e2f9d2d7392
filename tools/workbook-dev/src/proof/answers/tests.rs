use std::collections::HashSet;
use std::path::PathBuf;

use super::copies::{self, Place};
use super::functions;
use super::hints;
use super::lines::code_lines;
use super::*;
use workbook_book::testutil::Fixture;
use workbook_core::course::{Course, Lesson};

const ANSWER: &str = r#"//! An answer.
use std::collections::HashMap;

pub fn pick(&self, service: &str, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let mut picks = self.picks.lock().expect("not poisoned");
    let counter = picks.entry(service.to_string()).or_insert(0);
    let index = *counter % count;
    *counter = counter.wrapping_add(1);
    Some(index)
}
"#;

const STUB: &str = "pub fn pick(&self, service: &str, count: usize) -> Option<usize> {\n    // TODO: pick\n    todo!()\n}\n";

/// The same code as [`ANSWER`]'s, every name of its own changed.
const RENAMED: &str = r#"fn choose(&self, name: &str, n: usize) -> Option<usize> {
    let mut chosen = self.chosen.lock().expect("the lock");
    let turn = chosen.entry(name.to_string()).or_insert(0);
    let at = *turn % n;
    *turn = turn.wrapping_add(1);
    Some(at)
}
"#;

fn place(text: &str) -> Place {
    Place {
        name: PathBuf::from("shared/src/x.rs"),
        lines: copies::counted(text, &HashSet::new())
            .into_iter()
            .map(|l| (l.number, l.renamed))
            .collect(),
    }
}

fn answer_lines() -> Vec<lines::Line<'static>> {
    let given: HashSet<String> = code_lines(STUB).into_iter().map(|l| l.renamed).collect();
    copies::counted(ANSWER, &given)
}

#[test]
fn a_consistent_renaming_is_still_a_copy() {
    let runs = copies::find_runs(&answer_lines(), &place(RENAMED));
    assert_eq!(runs[0].length, 3, "{runs:?}");
    assert_eq!(runs[0].line, 8, "from the lock on");
    assert_eq!(runs[0].found_line, 2);
}

#[test]
fn other_calls_are_another_technique() {
    let other = "fn choose(&self, n: usize) -> usize {\n    let next = self.nodes.iter().find(|node| node.id > last).unwrap_or(&nodes[0]);\n    let mut chosen = self.chosen.write().unwrap_or_else(|e| e.into_inner());\n}\n";
    assert!(copies::find_runs(&answer_lines(), &place(other)).is_empty());
}

#[test]
fn what_the_stub_gives_and_short_lines_are_no_copy() {
    let keys: Vec<usize> = answer_lines().iter().map(|l| l.number).collect();
    // The signature is the stub's; `if count == 0 {`, `Some(index)` say too little.
    assert_eq!(keys, [8, 9, 11], "{:?}", answer_lines());
}

#[test]
fn comments_strings_and_tests_are_read_as_such() {
    let lines = code_lines(
        "let url = \"http://x\"; // a comment\n/* a\n block */ let b = 'x';\n#[cfg(test)]\nmod tests { let c = 1; }\n",
    );
    let keys: Vec<&str> = lines.iter().map(|l| l.key.as_str()).collect();
    assert_eq!(keys, ["leturl=\"http://x\";", "letb='x';"]);
    assert_eq!(lines[0].renamed, "let$0=\"\";");
}

#[test]
fn code_written_without_backticks_is_quoted_all_the_same() {
    let hint = "Call or_insert, then HashMap::entry and wrapping_add(); a `read` of 0 ends it. 再用 wrapping_add。";
    assert_eq!(
        hints::spans(hint),
        [
            "or_insert",
            "HashMap::entry",
            "wrapping_add()",
            "read",
            "wrapping_add"
        ]
    );
}

#[test]
fn hints_quote_names_and_expressions_but_not_types_short_words_or_the_stub() {
    let ladder = [
        (
            1,
            "A `HashMap` behind a `Mutex`; a `read` of 0 is the end; `count` is given.",
        ),
        (2, "`HashMap::entry` with `or_insert`, then `wrapping_add`."),
        (3, "Keep `*counter % count` … and return `Some(index)`."),
    ];
    let needles = hints::needles(&ladder, STUB);
    let codes: Vec<&str> = needles.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "entry",
            "or_insert",
            "wrapping_add",
            "*counter%count",
            "Some(index)"
        ]
    );
    let expressions: Vec<&str> = needles
        .iter()
        .filter(|n| n.expression)
        .map(|n| n.code.as_str())
        .collect();
    assert_eq!(expressions, ["*counter%count", "Some(index)"]);
}

/// The fixture course's `tcp.echo` with `answer` as its solution and `hints` as its hints.
fn fixture(answer: &str, hints: &str) -> Fixture {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        &format!(
            "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"t\"\nfile = \"src/exercises/echo.rs\"\ntest = \"echo\"\nhints = {hints}\n"
        ),
    );
    fx.write("lessons/01-tcp/src/exercises/echo.rs", STUB);
    fx.write("lessons/01-tcp/solutions/echo.rs", answer);
    fx
}

fn measure(fx: &Fixture) -> Vec<Measured> {
    let course = Course::load(fx.path()).unwrap();
    let lessons: Vec<&Lesson> = course.lessons.iter().collect();
    check(&course, &lessons)
}

const FAIR_HINTS: &str = "[\"A `HashMap` remembers a count per service.\", \"What happens to a count at `usize::MAX`?\"]";

#[test]
fn fair_hints_and_an_answer_out_of_sight_pass() {
    let fx = fixture(ANSWER, FAIR_HINTS);
    let measured = measure(&fx);
    let echo = &measured[0];
    assert_eq!(echo.exercise, "tcp.echo");
    assert!(echo.failures().is_empty(), "{:?}", echo.failures());
    assert_eq!(print(&measured, true), 0);
}

#[test]
fn a_planted_recipe_hint_fails() {
    let recipe = "[\"Lock `self.picks`, then `entry(service.to_string())` and `or_insert(0)`.\", \"Take `*counter % count`, then `wrapping_add`.\"]";
    let fx = fixture(ANSWER, recipe);
    let measured = measure(&fx);
    let failures = measured[0].failures();
    assert!(
        failures
            .iter()
            .any(|f| f.contains("hold code the hints quote")),
        "{failures:?}"
    );
    assert!(
        failures
            .iter()
            .any(|f| f.contains("hint 1 writes `entry(service.to_string())`")),
        "{failures:?}"
    );
    assert!(print(&measured, true) >= 2);

    // The same ladder is fair where the exercise is about one call.
    fx.write(
        "lessons/01-tcp/lesson.toml",
        &format!(
            "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"t\"\nfile = \"src/exercises/echo.rs\"\ntest = \"echo\"\nabout = \"one-call\"\nwhy = \"the entry API is the point\"\nhints = {recipe}\n"
        ),
    );
    let measured = measure(&fx);
    assert!(measured[0].one_call);
    assert!(measured[0].failures().is_empty());
}

#[test]
fn a_recipe_hint_in_the_translation_fails_too() {
    let fx = fixture(ANSWER, FAIR_HINTS);
    fx.write(
        "lessons/01-tcp/lesson.zh-CN.toml",
        "title = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\nhints = [\"先 `self.picks.lock()`，再 `entry(service.to_string())`。\", \"`wrapping_add`\"]\n",
    );
    let failures = measure(&fx)[0].failures();
    assert!(
        failures
            .iter()
            .any(|f| f.contains("writes `entry(service.to_string())`")),
        "{failures:?}"
    );
}

#[test]
fn a_planted_copy_with_its_names_changed_fails() {
    for place in [
        "shared/src/picks.rs",
        "micro/src/picks.rs",
        "lessons/01-tcp/src/server.rs",
    ] {
        let fx = fixture(ANSWER, FAIR_HINTS);
        fx.write(place, RENAMED);
        let measured = measure(&fx);
        let echo = &measured[0];
        let failures = echo.failures();
        assert!(echo.copied(), "{place}: {echo:?}");
        assert!(
            failures.iter().any(|f| f.contains(place)),
            "{place}: {failures:?}"
        );
        assert!(print(&measured, true) >= 1);
    }
}

#[test]
fn a_later_lesson_is_not_read_before_the_exercise() {
    let fx = fixture(ANSWER, FAIR_HINTS);
    fx.write("lessons/02-rpc/src/worked.rs", RENAMED);
    assert!(!measure(&fx)[0].copied());
}

#[test]
fn a_chapter_shows_the_answer_only_after_its_exercises() {
    let fx = fixture(ANSWER, FAIR_HINTS);
    fx.write("lessons/01-tcp/tests/shown.rs", RENAMED);
    let listing = "```rust\n{{#include ../../lessons/01-tcp/tests/shown.rs}}\n```\n";
    fx.write(
        "book/src/01-tcp.md",
        &format!("# TCP\n\n## Exercises\n\nThe table.\n\n## After\n\n{listing}"),
    );
    assert!(!measure(&fx)[0].copied(), "shown after the exercises");

    fx.write(
        "book/src/01-tcp.md",
        &format!("# TCP\n\n{listing}\n## Exercises\n"),
    );
    let measured = measure(&fx);
    let failures = measured[0].failures();
    assert!(
        failures.iter().any(|f| f.contains("book/src/01-tcp.md")),
        "shown before: {failures:?}"
    );
}

#[test]
fn the_answer_in_its_one_home_is_no_copy() {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"t\"\nfile = \"src/exercises/echo.rs\"\nanswer = \"../../micro/src/echo.rs\"\ntest = \"echo\"\n",
    );
    fx.write("lessons/01-tcp/src/exercises/echo.rs", STUB);
    fx.write("micro/src/echo.rs", ANSWER);
    assert!(!measure(&fx)[0].copied());
    // The learner's own file holding the answer (done) is what it should hold.
    fx.write("lessons/01-tcp/src/exercises/echo.rs", ANSWER);
    assert!(!measure(&fx)[0].copied());
    // A second copy elsewhere in the framework is still one.
    fx.write("lessons/01-tcp/src/exercises/echo.rs", STUB);
    fx.write("micro/src/elsewhere.rs", RENAMED);
    let measured = measure(&fx);
    assert!(measured[0].copied(), "{measured:?}");
}

/// [`ANSWER`]'s code written again with its names changed and its lines reshaped: one
/// statement split over two lines, two joined into one, a comment between.
const RESHAPED: &str = r#"fn choose(&self, name: &str, n: usize) -> Option<usize> {
    if n == 0 { return None; }
    let mut chosen = self.chosen
        .lock().expect("the lock");
    // the turn of this name
    let turn = chosen.entry(name.to_string()).or_insert(0); let at = *turn % n;
    *turn = turn.wrapping_add(1);
    Some(at)
}
"#;

#[test]
fn a_copy_with_its_lines_reshaped_is_still_one() {
    let fx = fixture(ANSWER, FAIR_HINTS);
    fx.write("shared/src/picks.rs", RESHAPED);
    let echo = &measure(&fx)[0];
    assert!(
        echo.longest_run() < RUN_THAT_FAILS,
        "no lines in a row: {echo:?}"
    );
    assert!(echo.windows >= FEWEST_WINDOWS, "{echo:?}");
    assert!(echo.window_share() > 0.8, "{echo:?}");
    let failures = echo.failures();
    assert!(
        failures
            .iter()
            .any(|f| f.contains("reshaped or not, stands in shared/src/picks.rs")),
        "{failures:?}"
    );
}

#[test]
fn a_module_of_the_framework_answers_by_the_functions_its_stub_leaves_undone() {
    let stub = "pub struct Group;\n\npub fn groups(all: &[u8]) -> Vec<Group> {\n    // TODO\n    todo!(\"groups\")\n}\n";
    assert_eq!(functions::unwritten_functions(stub), ["groups"]);
    let module = "pub fn groups(all: &[u8]) -> Vec<Group> {\n    let x = \"}\";\n    all.iter().map(|_| Group).collect()\n}\n\npub async fn served(registry: &Registry) -> Vec<Group> {\n    groups(&registry.all().await)\n}\n";
    let part = functions::only_functions(module, &functions::unwritten_functions(stub));
    assert_eq!(part.lines().filter(|l| !l.is_empty()).count(), 4, "{part}");
    let at = |text: &str| text.lines().position(|l| l.contains("all.iter()"));
    assert_eq!(at(&part), at(module), "a line keeps its number");
    assert!(
        part.contains("all.iter()") && !part.contains("registry"),
        "{part}"
    );
}

#[test]
fn unit_tests_in_a_file_of_their_own_are_no_place() {
    let fx = fixture(ANSWER, FAIR_HINTS);
    fx.write("micro/src/picks/tests.rs", RENAMED);
    fx.write("shared/src/tests/picks.rs", RENAMED);
    assert!(!measure(&fx)[0].copied());
}

#[test]
fn the_courses_total_share_fails_the_whole_course_only() {
    let recipe = "[\"`or_insert` and `wrapping_add`, then `lock`ing `self.picks` with `expect`.\"]";
    let fx = fixture(ANSWER, recipe);
    let measured = measure(&fx);
    assert!(measured[0].quoted_share() > TOTAL_SHARE, "{measured:?}");
    let one_lesson = print(&measured, false);
    assert_eq!(print(&measured, true), one_lesson + 1);
}
