//! Where the learner goes: the exercise to start a session on, the one a saved file
//! belongs to, and the next open one after an exercise passes.
//!
//! A learner does not always go in course order: they come to lesson 06 because that is
//! what their class does this week, or they open a file of another lesson and save it.
//! So "next" stays where they are — the rest of the same lesson first, then the lessons
//! after it — and only then comes back round to what they skipped. Done exercises are
//! always skipped.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::learner::state::State;
use workbook_core::course::{Course, Exercise, Lesson, Selection};
use workbook_core::language::messages::{Msg, say};

/// The first exercise not done, looking from `id` on: the rest of its lesson, then the
/// lessons after it, then the exercises before it. `None` when every other exercise is
/// done (or `id` is unknown and every exercise is done).
pub fn next_open<'c>(
    course: &'c Course,
    state: &State,
    id: &str,
) -> Option<(&'c Lesson, &'c Exercise)> {
    let all: Vec<(&Lesson, &Exercise)> = course.exercises().collect();
    let Some(position) = all.iter().position(|(_, e)| e.id == id) else {
        return state.current(course);
    };
    let lesson = all[position].0;
    let same_lesson = |&(l, _): &(&Lesson, &Exercise)| l.id == lesson.id;
    // Within the lesson: after `id`, then before it; then the course from `id` on,
    // wrapping round to the start.
    let after = all[position + 1..].iter().filter(|e| same_lesson(e));
    let before = all[..position].iter().filter(|e| same_lesson(e));
    let rest = all[position + 1..]
        .iter()
        .chain(&all[..position])
        .filter(|e| !same_lesson(e));
    after
        .chain(before)
        .chain(rest)
        .find(|(_, e)| !state.is_done(&e.id))
        .copied()
}

/// The exercise whose file is `path`, if it is one.
pub fn exercise_of<'c>(course: &'c Course, path: &Path) -> Option<(&'c Lesson, &'c Exercise)> {
    course
        .exercises()
        .find(|(lesson, exercise)| lesson.exercise_path(exercise) == path)
}

/// The lesson whose folder holds `path`.
pub fn lesson_of<'c>(course: &'c Course, path: &Path) -> Option<&'c Lesson> {
    course.lessons.iter().find(|l| path.starts_with(&l.dir))
}

/// What a session does after files were saved.
#[derive(Debug)]
pub enum AfterSave<'c> {
    /// Check the current exercise again (its file, or another file of its lesson).
    CheckCurrent,
    /// Another exercise's file was saved: it becomes the current exercise.
    SwitchTo(&'c Lesson, &'c Exercise),
    /// A file of another lesson that is no exercise's: say so, stay.
    OtherLesson(&'c Lesson, PathBuf),
    /// Nothing the course knows.
    Nothing,
}

/// Decides what a burst of saved `paths` means while `current` is being worked on: the
/// learner is where they save.
pub fn after_save<'c>(
    course: &'c Course,
    current: Option<&str>,
    paths: &[PathBuf],
) -> AfterSave<'c> {
    let current = current.and_then(|id| course.exercise(id).ok());
    let saved: Vec<(&Lesson, &Exercise)> = paths
        .iter()
        .filter_map(|p| exercise_of(course, p))
        .collect();
    let is_current = |exercise: &Exercise| current.is_some_and(|(_, c)| c.id == exercise.id);
    if saved.iter().any(|(_, e)| is_current(e)) {
        return AfterSave::CheckCurrent;
    }
    if let Some((lesson, exercise)) = saved.first() {
        return AfterSave::SwitchTo(lesson, exercise);
    }
    if let Some((lesson, _)) = current
        && paths.iter().any(|p| p.starts_with(&lesson.dir))
    {
        return AfterSave::CheckCurrent;
    }
    match paths
        .iter()
        .find_map(|p| lesson_of(course, p).map(|l| (l, p)))
    {
        Some((lesson, path)) => AfterSave::OtherLesson(lesson, path.clone()),
        None => AfterSave::Nothing,
    }
}

/// Where a session asked for `target` starts: that exercise, or the first open exercise
/// of that lesson (its first exercise once all are done). Takes what `check` takes: an
/// exercise id, a lesson's id, folder, package or number (`register`, `06-register`,
/// `l06-register`, `06`).
pub fn start_at<'c>(
    course: &'c Course,
    state: &State,
    target: &str,
) -> Result<(&'c Lesson, &'c Exercise)> {
    match course.select(target)? {
        Selection::Exercise(lesson, exercise) => Ok((lesson, exercise)),
        Selection::Lesson(lesson) => lesson
            .exercises
            .iter()
            .find(|e| !state.is_done(&e.id))
            .or_else(|| lesson.exercises.first())
            .map(|exercise| (lesson, exercise))
            .ok_or_else(|| {
                anyhow::anyhow!(say(Msg::LessonHasNoExercises, &[("lesson", &lesson.id)]))
            }),
    }
}

/// `register.two-instances (lesson 06)`, for saying where the learner is.
pub fn where_is(lesson: &Lesson, exercise: &Exercise) -> String {
    say(
        Msg::WhereIs,
        &[("id", &exercise.id), ("number", &lesson.number())],
    )
}

#[cfg(test)]
mod tests;
