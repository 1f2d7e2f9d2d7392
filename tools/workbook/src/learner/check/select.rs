//! Which exercises a check is about, and what cargo must build for them: one lesson at a
//! time, its package and the test targets of its selected exercises, so that checking a
//! lesson builds exactly what checking each of its exercises would.

use anyhow::Result;

use workbook_core::cargo::BuildRequest;
use workbook_core::course::{Course, Exercise, Lesson, Selection};

/// The exercises an optional ID names: one exercise, a lesson's, or all of them.
pub fn selected<'c>(
    course: &'c Course,
    id: Option<&str>,
) -> Result<Vec<(&'c Lesson, &'c Exercise)>> {
    Ok(match id {
        None => course.exercises().collect(),
        Some(id) => match course.select(id)? {
            Selection::Exercise(lesson, exercise) => vec![(lesson, exercise)],
            Selection::Lesson(lesson) => lesson.exercises.iter().map(|e| (lesson, e)).collect(),
        },
    })
}

/// The lessons of `exercises`, each once, in the order they first appear.
pub fn lessons_of<'c>(exercises: &[(&'c Lesson, &'c Exercise)]) -> Vec<&'c Lesson> {
    let mut lessons: Vec<&Lesson> = Vec::new();
    for (lesson, _) in exercises {
        if !lessons.iter().any(|l| l.id == lesson.id) {
            lessons.push(lesson);
        }
    }
    lessons
}

/// What to build for some exercises of one lesson: its package, each test target once,
/// and the lesson's program only if one of those tests runs it.
pub fn build_request(lesson: &Lesson, exercises: &[&Exercise]) -> BuildRequest {
    let mut request = BuildRequest {
        packages: vec![lesson.package.clone()],
        ..BuildRequest::default()
    };
    for exercise in exercises {
        if !request.tests.contains(&exercise.test) {
            request.tests.push(exercise.test.clone());
        }
    }
    request.without_programs = !request
        .tests
        .iter()
        .any(|test| lesson.test_runs_the_program(test));
    request
}
