//! `check`: build an exercise's test, run it, say clearly whether it passed and what next.
//!
//! One exercise gets the full story (each test, each failure's message, compile errors).
//! A lesson or the whole course gets one line per exercise. Either way each lesson is one
//! cargo invocation, with the same package selection as a single check, so that checking
//! everything never rebuilds what checking one exercise already built.
//!
//! A check records a verdict only when it says something about the exercise: its tests
//! ran, or the build broke in the exercise's own file. When the compiler stops in another
//! file (another exercise's, another lesson's, a shared crate), the check says which one
//! and the exercise keeps the progress it had.
//!
//! A check goes through its stages in this order, a file each:
//! - `select`: which exercises, grouped by lesson, and what cargo must build for them;
//! - (build and run: `workbook_core::cargo` and `workbook_core::testrun`, shared with the other commands);
//! - `verdict`: what the build and the run say about each exercise;
//! - `full` or `lines`: how it is told, one exercise in full or a line per exercise;
//! - `compiler`: what the compiler said, shown where a build broke.

use std::time::{Duration, Instant};

use anyhow::Result;

use crate::learner::ahead;
use crate::learner::class::{self, Told};
use crate::learner::failure;
use crate::learner::state::{self, State};
use workbook_core::cargo;
use workbook_core::course::{Course, Exercise, Lesson};
use workbook_core::language::messages::{Msg, say, tell};
use workbook_core::testrun::{self, TestJob};
use workbook_core::ui::{self, Asking};

mod compiler;
mod full;
mod lines;
pub(crate) mod select;
mod verdict;

use compiler::print_build_errors;
use full::Report;
use lines::{report_line, summarise};
pub use select::selected;
pub use verdict::Verdict;

/// How long one test executable may run before it counts as hung.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(120);

/// How much to say about each exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Full,
    OneLine,
}

/// The `check` command. Returns whether every selected exercise passed.
pub async fn run(course: &Course, state: &mut State, id: Option<&str>) -> Result<bool> {
    let exercises = selected(course, id)?;
    if exercises.is_empty() {
        tell(Msg::NothingToCheck, &[]);
        return Ok(true);
    }
    let detail = if exercises.len() == 1 {
        Detail::Full
    } else {
        Detail::OneLine
    };
    let results = check(course, state, &exercises, detail, Asking::Command).await?;
    let passed = results.iter().filter(|(_, v)| v.passed()).count();
    if detail == Detail::OneLine {
        summarise(course, state, &results, passed);
    }
    Ok(passed == results.len())
}

/// Checks the exercises, lesson by lesson, prints what happened and records it. Next
/// steps are suggested the way the learner asks for them (`asking`).
pub async fn check<'c>(
    course: &'c Course,
    state: &mut State,
    exercises: &[(&'c Lesson, &'c Exercise)],
    detail: Detail,
    asking: Asking,
) -> Result<Vec<(&'c Exercise, Verdict)>> {
    let mut results = Vec::new();
    let mut queued_for_the_class = false;
    // A build ahead holds cargo's lock: it stops, and goes on after the check.
    ahead::stop_for_check(course).await;
    for lesson in select::lessons_of(exercises) {
        let mine: Vec<&Exercise> = exercises
            .iter()
            .filter(|(l, _)| l.id == lesson.id)
            .map(|(_, e)| *e)
            .collect();
        let request = select::build_request(lesson, &mine);

        let started = Instant::now();
        if detail == Detail::Full {
            let exercise = mine[0];
            println!(
                "{} {} · {}",
                ui::bold(&say(Msg::Checking, &[])),
                ui::bold(&exercise.id),
                exercise.title
            );
            println!("  {}", ui::dim(&cargo::describe(&request)));
        } else {
            println!(
                "{} {}",
                ui::bold(&lesson.id),
                ui::dim(&format!("· {}", lesson.title))
            );
        }

        let build = cargo::build_tests(&course.root, &request).await?;
        let jobs: Vec<Option<TestJob>> = mine
            .iter()
            .map(|exercise| build.test_job(&lesson.dir, &exercise.test, exercise.filter.as_deref()))
            .collect();
        let runs =
            testrun::run_tests(jobs.iter().flatten().cloned().collect(), 2, TEST_TIMEOUT).await;
        let mut runs = runs.into_iter();

        let mut shown_build_errors = false;
        for (exercise, job) in mine.iter().zip(&jobs) {
            let run = match job {
                Some(_) => Some(runs.next().expect("one run per job")?),
                None => None,
            };
            let verdict = verdict::judge(&build, &course.root, job.as_ref(), run);
            let file = lesson.exercise_path(exercise);
            if verdict.is_about(&file) {
                state.record(&exercise.id, verdict.passed());
                let hints = state.get(&exercise.id).hints_shown;
                let mut told = told(course, lesson, exercise, &build, &verdict, hints);
                // Checked alone, it is the exercise the learner is on; checked with the
                // rest of a lesson, it may be a stub nobody has started. Its file as the
                // course gave it is not started either, however it was checked: the class
                // is told, so that a learner who only opened it is not stuck on it.
                told.current = detail == Detail::Full;
                told.untouched = !told.passed
                    && class::joined(&course.root)
                    && state::is_untouched(course, lesson, exercise);
                queued_for_the_class |= class::tell_the_class(&course.root, told);
            }
            match detail {
                Detail::Full => {
                    let report = Report {
                        course,
                        state,
                        lesson,
                        exercise,
                        build: &build,
                        started,
                        asking,
                    };
                    report.full(&verdict);
                }
                Detail::OneLine => {
                    report_line(course, lesson, exercise, &file, &verdict);
                    if matches!(verdict, Verdict::DoesNotCompile(_) | Verdict::NotBuilt)
                        && !shown_build_errors
                    {
                        shown_build_errors = true;
                        print_build_errors(course, &build, &file, 1);
                    }
                }
            }
            results.push((*exercise, verdict));
        }
        state.save(&course.root)?;
    }
    if queued_for_the_class {
        // What an earlier sender heard the teacher changed (a rename, a merge), said once.
        class::tell_what_changed(&course.root);
        class::send_in_background(&course.root);
    }
    Ok(results)
}

/// A verdict as the class is told it, on one line, the reason in words first: the first
/// failing test's assertion with what it compared, or the compiler's first error, each
/// with its place in the lesson after it; or why no test ran.
fn told<'a>(
    course: &Course,
    lesson: &Lesson,
    exercise: &'a Exercise,
    build: &cargo::Build,
    verdict: &Verdict,
    hints: usize,
) -> Told<'a> {
    let (test, message) = match verdict {
        Verdict::Passed(_) => (None, None),
        // The first failing test by name, not by when it ended: tests run side by side,
        // and the class should see the same test for the same code every time.
        Verdict::Failed(run) => match run.report.failures.iter().min_by(|a, b| a.0.cmp(&b.0)) {
            Some((name, text)) => {
                let context = failure::Context::of(course, lesson, exercise);
                (
                    Some(name.clone()),
                    Some(failure::in_one_line(text, &context)),
                )
            }
            None => (None, Some(say(Msg::TestsDidNotEnd, &[]))),
        },
        Verdict::TimedOut => (
            None,
            Some(say(Msg::TimedOut, &[("seconds", &TEST_TIMEOUT.as_secs())])),
        ),
        Verdict::DoesNotCompile(_) | Verdict::NotBuilt => {
            let file = lesson.exercise_path(exercise);
            let first = compiler::first_error(course, lesson, build, &file);
            (
                None,
                Some(first.unwrap_or_else(|| say(Msg::DoesNotCompile, &[]))),
            )
        }
    };
    Told {
        exercise,
        passed: verdict.passed(),
        test,
        message,
        hints,
        current: false,
        untouched: false,
    }
}
