//! A chapter a learner can finish in one sitting, or in a few with a place to stop marked.
//!
//! A chapter with its example and exercises can take half a day of class or more. Alone,
//! a learner needs to know where to stop without losing the thread: after the sections an
//! exercise needs, with that exercise done. A chapter says so with a line of its own,
//!
//! ```text
//! <!-- sitting: rpcx.heartbeat rpcx.weighted -->
//! ```
//!
//! which ends a sitting: what is above it, with the exercises it names, is one sitting;
//! the next begins below. The last sitting holds the exercises no marker names. The book
//! shows each marker as a place to stop with its minutes, and the chapter's header says
//! how many sittings there are. `verify` holds every sitting to the model's
//! `longest_sitting`, so a chapter that grows past it gets a place to stop, or is trimmed.

use std::path::Path;

use workbook_core::course::{Course, Lesson};
use workbook_core::language::Lang;
use workbook_core::language::messages::{Msg, say_in};
use workbook_core::problem::Problem;

use super::{Model, exercise_minutes, measure_chapter};

/// One sitting of a chapter: its minutes and the exercises done in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitting {
    pub minutes: u32,
    pub exercises: Vec<String>,
}

/// The exercises a marker line names, or `None` when the line is no marker.
pub fn marker(line: &str) -> Option<Vec<String>> {
    let inside = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim()
        .strip_prefix("sitting:")?;
    Some(inside.split_whitespace().map(str::to_string).collect())
}

/// The sittings of `lesson`'s chapter (the English one, in `dir`, which its includes are
/// relative to): one for a chapter without markers. Running the worked example counts in
/// the sitting where the chapter says to run it (its first heading "Run it"), or the first.
pub fn sittings(model: &Model, lesson: &Lesson, dir: &Path) -> Vec<Sitting> {
    let markdown = std::fs::read_to_string(dir.join(lesson.chapter_file())).unwrap_or_default();
    let run = lesson.minutes.map_or(0, |m| m.run);
    let mut parts: Vec<(String, Vec<String>)> = vec![(String::new(), Vec::new())];
    for line in markdown.split_inclusive('\n') {
        let last = parts.len() - 1;
        match marker(line) {
            Some(exercises) => {
                parts[last].1 = exercises;
                parts.push((String::new(), Vec::new()));
            }
            None => parts[last].0.push_str(line),
        }
    }
    let named: Vec<String> = parts.iter().flat_map(|part| part.1.clone()).collect();
    if let Some(last) = parts.last_mut() {
        last.1 = lesson
            .exercises
            .iter()
            .map(|exercise| exercise.id.clone())
            .filter(|id| !named.contains(id))
            .collect();
    }
    let runs_in = parts
        .iter()
        .position(|(text, _)| {
            text.lines()
                .any(|line| line.starts_with("## Run it") || line.starts_with("### Run it"))
        })
        .unwrap_or(0);
    parts
        .into_iter()
        .enumerate()
        .map(|(i, (text, exercises))| {
            let done_here: Vec<u32> = lesson
                .exercises
                .iter()
                .filter(|exercise| exercises.contains(&exercise.id))
                .map(|exercise| exercise_minutes(model, lesson, exercise))
                .collect();
            Sitting {
                minutes: model.reading(measure_chapter(&text, dir))
                    + if i == runs_in { run } else { 0 }
                    + done_here.iter().sum::<u32>()
                    + model.solutions(done_here.len()),
                exercises,
            }
        })
        .collect()
}

/// What the chapter's header adds when it has more than one sitting.
pub fn header_note(sittings: &[Sitting], lang: Lang) -> Option<String> {
    if sittings.len() < 2 {
        return None;
    }
    let minutes: Vec<String> = sittings.iter().map(|s| s.minutes.to_string()).collect();
    Some(say_in(
        lang,
        Msg::BookSittings,
        &[
            ("count", &sittings.len()),
            ("minutes", &minutes.join(" + ")),
        ],
    ))
}

/// The place to stop that the marker ending sitting `n` (from 0) shows; nothing for a
/// marker the English chapter does not have.
pub fn place_to_stop(sittings: &[Sitting], n: usize, lang: Lang) -> String {
    let (Some(this), Some(next)) = (sittings.get(n), sittings.get(n + 1)) else {
        return String::new();
    };
    let exercises: Vec<String> = this
        .exercises
        .iter()
        .map(|id| format!("<code>{id}</code>"))
        .collect();
    let line = say_in(
        lang,
        Msg::BookPlaceToStop,
        &[
            ("n", &(n + 1)),
            ("count", &sittings.len()),
            ("minutes", &this.minutes),
            ("exercises", &exercises.join(", ")),
            ("next", &next.minutes),
        ],
    );
    format!("<p class=\"place-to-stop\">{line}</p>\n")
}

/// A sitting longer than the model's, and a marker that names what is not an exercise of
/// the lesson or an exercise already named.
pub fn problems(course: &Course, model: &Model) -> Vec<Problem> {
    let mut problems = Vec::new();
    let dir = course.root.join("book/src");
    for lesson in &course.lessons {
        let chapter = lesson.chapter_file();
        let Ok(markdown) = std::fs::read_to_string(dir.join(&chapter)) else {
            continue;
        };
        let mut named: Vec<String> = Vec::new();
        for (n, line) in markdown.lines().enumerate() {
            for id in marker(line).unwrap_or_default() {
                let at = format!("book/src/{chapter}:{}", n + 1);
                if !lesson.exercises.iter().any(|e| e.id == id) {
                    problems.push(Problem {
                        location: at,
                        message: format!(
                            "the place to stop names `{id}`, which is no exercise of lesson {}",
                            lesson.id
                        ),
                    });
                } else if named.contains(&id) {
                    problems.push(Problem {
                        location: at,
                        message: format!("`{id}` is named by an earlier place to stop"),
                    });
                } else {
                    named.push(id);
                }
            }
        }
        if lesson.minutes.is_none() {
            continue;
        }
        for (n, sitting) in sittings(model, lesson, &dir).iter().enumerate() {
            if sitting.minutes > model.longest_sitting {
                problems.push(Problem {
                    location: format!("book/src/{chapter}:1"),
                    message: format!(
                        "sitting {} takes about {} min, more than a sitting's {} min: mark a place to stop \
                         (`<!-- sitting: EXERCISE… -->` after the sections those exercises need), or trim",
                        n + 1,
                        sitting.minutes,
                        model.longest_sitting
                    ),
                });
            }
        }
    }
    problems
}
