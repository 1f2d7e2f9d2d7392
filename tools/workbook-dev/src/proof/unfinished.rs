//! A lesson's program meets an exercise that is not done yet: it says so in one line (which
//! exercise, how to check it, how to run with the answers), never with a panic.
//!
//! The suite cannot show it: it runs with every lesson's answers switched in. The stub
//! build here is the one build of the programs with every stub in place, so the proof is
//! made with it:
//!
//! - every lesson's `main` hands its lesson.toml to
//!   `shared::program::say_unfinished_exercises`, the one place that turns a stub's
//!   `todo!()` into that line (read from its source);
//! - a lesson whose worked example calls its own exercises has a test [`TEST`] that runs its
//!   program where it meets them, and that test passes with the stubs.

use std::fs;

use workbook::learner::check::TEST_TIMEOUT;
use workbook_core::cargo::Build;
use workbook_core::course::{Course, Lesson};
use workbook_core::testrun::{self, Outcome};
use workbook_core::ui;

/// The test target, in a lesson's `tests/`, that runs its program with the stubs.
pub const TEST: &str = "unfinished";

/// What `main` calls, as its source says it.
const INSTALLED: &str = "shared::program::say_unfinished_exercises(";

/// The test target to add to the stub build: [`TEST`], if a lesson here has one.
pub fn tests(lessons: &[&Lesson]) -> Vec<String> {
    let any = lessons.iter().any(|lesson| has_test(lesson));
    any.then(|| TEST.to_string()).into_iter().collect()
}

fn has_test(lesson: &Lesson) -> bool {
    lesson
        .dir
        .join("tests")
        .join(format!("{TEST}.rs"))
        .is_file()
}

/// What [`check`] found: what is wrong, one line each, and how many lessons were checked.
#[derive(Debug, Default)]
pub struct Checked {
    pub problems: Vec<String>,
    pub lessons: usize,
    /// How many lessons' programs were run with their stubs.
    pub run: usize,
}

/// Checks each lesson against the stub build `build`.
pub async fn check(course: &Course, lessons: &[&Lesson], build: &Build) -> Checked {
    let mut problems = Vec::new();
    let mut jobs = Vec::new();
    for lesson in lessons {
        let main = lesson.dir.join("src").join("main.rs");
        let shown = course.relative(&main).display().to_string();
        // A lesson with no program of its own (a course's fixture, say) has nothing to say.
        let source = fs::read_to_string(&main).ok();
        if source.is_some_and(|source| !source.contains(INSTALLED)) {
            problems.push(format!(
                "{shown} does not call {INSTALLED}…): a stub its program meets would panic"
            ));
        }
        if !has_test(lesson) {
            if calls_its_exercises(lesson) {
                problems.push(format!(
                    "{}: its worked example calls its exercises, and no tests/{TEST}.rs runs \
                     its program with the stubs",
                    lesson.package
                ));
            }
            continue;
        }
        match build.test_job(&lesson.dir, TEST, None) {
            Some(job) => jobs.push((lesson.package.clone(), job)),
            None => problems.push(format!(
                "{}: tests/{TEST}.rs was not built with the stubs",
                lesson.package
            )),
        }
    }
    let runs = testrun::run_tests(
        jobs.iter().map(|(_, job)| job.clone()).collect(),
        2,
        TEST_TIMEOUT,
    )
    .await;
    for ((package, _), run) in jobs.iter().zip(runs) {
        match run {
            Ok(run) if run.outcome == Outcome::Passed => {}
            Ok(run) => {
                let said: Vec<String> = run
                    .report
                    .failures
                    .iter()
                    .map(|(test, printed)| format!("{test}: {printed}"))
                    .chain(std::iter::once(run.stderr.clone()))
                    .collect();
                problems.push(format!(
                    "{package}: tests/{TEST}.rs fails with the stubs ({:?}):\n{}",
                    run.outcome,
                    ui::indent(&ui::clip_lines(said.join("\n").trim_end(), 30), "    ")
                ));
            }
            Err(error) => problems.push(format!("{package}: tests/{TEST}.rs: {error:#}")),
        }
    }
    Checked {
        problems,
        lessons: lessons.len(),
        run: jobs.len(),
    }
}

/// Whether the lesson's worked example (its `src/` outside `src/exercises/`) names its
/// exercises module: then its program can meet a stub.
fn calls_its_exercises(lesson: &Lesson) -> bool {
    let src = lesson.dir.join("src");
    walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| !entry.path().starts_with(src.join("exercises")))
        .filter(|entry| entry.path().file_name() != Some("lib.rs".as_ref()))
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
        .any(|entry| {
            fs::read_to_string(entry.path()).is_ok_and(|text| {
                text.lines()
                    .map(str::trim_start)
                    .filter(|line| !line.starts_with("//"))
                    .any(|line| line.contains("exercises::"))
            })
        })
}

/// Prints what was checked and each problem under their heading; returns how many
/// problems there are.
pub fn print(checked: &Checked) -> usize {
    if checked.lessons == 0 {
        return 0;
    }
    println!();
    println!(
        "{}",
        ui::bold("Programs that meet an exercise not done yet say so in one line")
    );
    if checked.problems.is_empty() {
        println!(
            "  {} {}: each main calls shared::program::say_unfinished_exercises; {} run with \
             the stubs where they meet them",
            ui::pass_mark(),
            ui::plural(checked.lessons, "lesson"),
            ui::plural(checked.run, "program")
        );
    }
    for problem in &checked.problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    checked.problems.len()
}
