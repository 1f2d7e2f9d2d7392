//! A lesson or the whole course checked at once: one line per exercise, then a summary
//! with the learner's progress and the command that shows the first failure in full.

use std::path::Path;

use super::compiler::show_location;
use super::verdict::Verdict;
use crate::learner::failure;
use crate::learner::state::State;
use workbook_core::course::{Course, Exercise, Lesson};
use workbook_core::language::messages::{Msg, say, tell};
use workbook_core::ui;

/// One line per exercise for lesson-wide and course-wide checks.
pub(super) fn report_line(
    course: &Course,
    lesson: &Lesson,
    exercise: &Exercise,
    file: &Path,
    verdict: &Verdict,
) {
    let (mark, note) = match verdict {
        Verdict::Passed(_) => (ui::pass_mark(), String::new()),
        Verdict::Failed(run) => (
            ui::fail_mark(),
            match run.report.failures.first() {
                Some((name, text)) => {
                    let context = failure::Context::of(course, lesson, exercise);
                    let explained = failure::explain(text, &context);
                    let first = explained.lines().next().unwrap_or("failed");
                    // A cause in the learner's code is the same for every test; on one
                    // line its file is known from the exercise, so the name is enough.
                    if first.starts_with("your code") {
                        let name = lesson.exercise_path(exercise);
                        let name = name.file_name().unwrap_or_default().to_string_lossy();
                        first.replace(&context.exercise_file, &name)
                    } else {
                        format!("{name}: {first}")
                    }
                }
                None => say(Msg::TestsDidNotEnd, &[]),
            },
        ),
        Verdict::TimedOut => (ui::fail_mark(), say(Msg::TimedOutShort, &[])),
        Verdict::DoesNotCompile(broken) if verdict.is_about(file) => (
            ui::fail_mark(),
            say(
                Msg::DoesNotCompileAt,
                &[(
                    "at",
                    &show_location(
                        course,
                        broken
                            .iter()
                            .find(|at| at.file == file)
                            .unwrap_or(&broken[0]),
                    ),
                )],
            ),
        ),
        Verdict::DoesNotCompile(broken) => (
            ui::yellow("!"),
            match broken.first() {
                Some(first) => say(
                    Msg::NotCheckedDoesNotCompile,
                    &[("at", &show_location(course, first))],
                ),
                None => say(Msg::NotCheckedBuild, &[]),
            },
        ),
        Verdict::NotBuilt => (
            ui::yellow("!"),
            say(Msg::NoTestTarget, &[("test", &exercise.test)]),
        ),
    };
    let note: String = note.chars().take(90).collect();
    println!(
        "  {mark} {:<22} {}{}",
        exercise.id,
        exercise.title,
        if note.is_empty() {
            String::new()
        } else {
            format!("  {}", ui::dim(&format!("— {note}")))
        }
    );
}

pub(super) fn summarise(
    course: &Course,
    state: &State,
    results: &[(&Exercise, Verdict)],
    passed: usize,
) {
    println!();
    let mark = if passed == results.len() {
        ui::pass_mark()
    } else {
        ui::fail_mark()
    };
    let progress = ui::progress(
        state.progress(course.exercises().map(|(_, e)| e)).0,
        course.exercise_count(),
        20,
    );
    let line = say(
        Msg::ExercisesPass,
        &[
            ("mark", &mark),
            ("passed", &passed),
            ("total", &results.len()),
            ("progress", &progress),
        ],
    );
    println!("{line}");
    if let Some((exercise, _)) = results.iter().find(|(_, v)| !v.passed()) {
        let command = ui::cmd(&format!("check {}", exercise.id));
        tell(Msg::Details, &[("command", &command)]);
    }
}
