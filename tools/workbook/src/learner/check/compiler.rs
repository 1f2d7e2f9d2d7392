//! What the compiler said, shown to a learner: its errors (those in the exercise's own
//! file first, every `help:` line kept), the warnings that point into the exercise, and
//! where a broken file is and whose it is.

use std::path::Path;

use crate::learner::next::exercise_of;
use workbook_core::cargo::{Build, Location, clip_keeping_help, strip_ansi};
use workbook_core::course::{Course, Lesson};
use workbook_core::language::messages::{Msg, say};
use workbook_core::ui;

/// The compiler's errors (at most `max`), those in the exercise's own `file` first, or
/// cargo's own complaint when the compiler said nothing.
pub(super) fn print_build_errors(course: &Course, build: &Build, file: &Path, max: usize) {
    let (mut errors, others): (Vec<_>, Vec<_>) = build
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .partition(|d| d.path(&course.root).as_deref() == Some(file));
    errors.extend(others);
    // rustc's notes about the standard library's impls can run long; the first lines
    // carry the message and the learner's line, the `help:` lines the fix.
    for error in errors.iter().take(max) {
        println!(
            "{}",
            ui::indent(&clip_keeping_help(error.rendered.trim_end(), 16), "    ")
        );
    }
    if errors.len() > max {
        let count = errors.len() - max;
        println!("    {}", say(Msg::MoreErrors, &[("count", &count)]));
    }
    if errors.is_empty() && !build.cargo_errors.trim().is_empty() {
        println!(
            "{}",
            ui::indent(&ui::clip_lines(build.cargo_errors.trim_end(), 20), "    ")
        );
    }
}

/// The compiler's first error on one line, for the class's wall: its own first line and
/// its place in the lesson (`error[E0308]: mismatched types (src/exercises/echo.rs:12)`),
/// an error in the exercise's own `file` first.
pub(super) fn first_error(
    course: &Course,
    lesson: &Lesson,
    build: &Build,
    file: &Path,
) -> Option<String> {
    let errors = build.errors();
    let error = errors
        .iter()
        .find(|d| d.path(&course.root).as_deref() == Some(file))
        .or_else(|| errors.first())?;
    let plain = strip_ansi(&error.rendered);
    let said = plain.lines().map(str::trim).find(|line| !line.is_empty())?;
    let place = error.path(&course.root).map(|path| {
        let inside = path
            .strip_prefix(&lesson.dir)
            .unwrap_or(course.relative(&path));
        match error.line {
            Some(line) => format!("{}:{line}", inside.display()),
            None => inside.display().to_string(),
        }
    });
    Some(match place {
        Some(place) => format!("{said} ({place})"),
        None => said.to_string(),
    })
}

/// Warnings that point into the learner's file: they often say what is wrong.
pub(super) fn print_warnings_in(build: &Build, course: &Course, file: &Path) {
    let warnings: Vec<_> = build
        .diagnostics
        .iter()
        .filter(|d| d.level == "warning")
        .filter(|d| d.path(&course.root).as_deref() == Some(file))
        .collect();
    for warning in warnings.iter().take(2) {
        println!("{}", ui::indent(warning.rendered.trim_end(), "    "));
    }
}

/// Where `location` is, for a message: `lessons/01-tcp/src/exercises/limit.rs:3`.
pub(super) fn show_location(course: &Course, location: &Location) -> String {
    let file = course.relative(&location.file).display().to_string();
    match location.line {
        Some(line) => format!("{file}:{line}"),
        None => file,
    }
}

/// `tcp.limit's file` when `file` is an exercise's, for saying whose a broken file is.
pub(super) fn owner(course: &Course, file: &Path) -> Option<String> {
    exercise_of(course, file).map(|(_, exercise)| format!("{}'s file", exercise.id))
}
