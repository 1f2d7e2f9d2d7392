//! The course's timing: how many minutes of class each part of a lesson takes, shown where a
//! teacher plans and a learner works.
//!
//! The minutes come from one model (`model.rs`, its numbers printed on the schedule page):
//! presenting a chapter from its words and the lines of its listings, an exercise from its
//! tests, going over the solutions from the number of exercises; only running the worked
//! example is the lesson's own estimate, `minutes = { run = N }` in `lesson.toml`. From those:
//! - each chapter opens with "About N min: reading X, running Y, exercises Z, solutions W",
//!   and a chapter longer than a sitting shows where to stop (`sittings.rs`);
//! - the schedule page (`<!-- schedule -->` in a chapter) gets the model, the totals, the
//!   whole course day by day, and what three days hold (`plan.rs`, `page.rs`);
//! - `list` shows a learner the minutes left in what they have not finished;
//! - `verify` fails when a lesson has no `run` minutes, or a lesson's chapter has no teacher
//!   notes (`problems`).

use std::fs;
use std::path::Path;

use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use workbook_core::chapter::notes;
use workbook_core::course::{Course, Lesson};
use workbook_core::language::Lang;
use workbook_core::language::messages::{Msg, say_in};
use workbook_core::problem::Problem;

mod model;
mod page;
mod plan;
pub mod sittings;

pub use model::{chapter_size, measure_chapter};
pub use page::schedule_page;
pub use workbook_core::timing::{
    ChapterSize, Model, TestSize, duration, duration_in, exercise_minutes, minutes_left,
};

/// The comment a chapter writes where the generated schedule goes, alone on its line.
pub const MARKER: &str = "<!-- schedule -->";

/// A lesson's minutes, part by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    pub reading: u32,
    pub run: u32,
    pub exercises: u32,
    pub solutions: u32,
}

impl Timing {
    /// The lesson's timing in the class's model, or `None` when `lesson.toml` does not say
    /// how long its worked example runs.
    pub fn of(root: &Path, lesson: &Lesson) -> Option<Timing> {
        Timing::in_model(&Model::CLASS, root, lesson)
    }

    /// The lesson's timing in `model`; its chapter is read from `root/book/src`.
    pub fn in_model(model: &Model, root: &Path, lesson: &Lesson) -> Option<Timing> {
        let run = lesson.minutes?.run;
        Some(Timing {
            reading: model.reading(chapter_size(root, &lesson.chapter_file())),
            run,
            exercises: lesson
                .exercises
                .iter()
                .map(|exercise| exercise_minutes(model, lesson, exercise))
                .sum(),
            solutions: model.solutions(lesson.exercises.len()),
        })
    }

    pub fn total(&self) -> u32 {
        self.reading + self.run + self.exercises + self.solutions
    }
}

/// The line at the top of a lesson's chapter, in the edition's language, with its
/// sittings when it has several.
pub fn header(timing: Timing, sittings: &[sittings::Sitting], lang: Lang) -> String {
    let line = say_in(
        lang,
        Msg::BookLessonTime,
        &[
            ("total", &timing.total()),
            ("reading", &timing.reading),
            ("run", &timing.run),
            ("exercises", &timing.exercises),
            ("solutions", &timing.solutions),
        ],
    );
    let line = match sittings::header_note(sittings, lang) {
        Some(note) => format!("{line}{note}"),
        None => line,
    };
    format!("<p class=\"lesson-time\">{line}</p>\n\n")
}

/// What `verify` finds missing: a lesson's `run` minutes, notes in a lesson's chapter, a
/// place to stop in a chapter longer than a sitting.
pub fn problems(course: &Course) -> Vec<Problem> {
    let mut problems = sittings::problems(course, &Model::CLASS);
    for lesson in &course.lessons {
        if lesson.minutes.is_none() {
            problems.push(Problem {
                location: format!("lessons/{}/lesson.toml", lesson.folder),
                message: "has no timing: add `minutes = { run = N }`, the minutes of running \
                          the worked example in class"
                    .into(),
            });
        }
        let chapter = lesson.chapter_file();
        let text = fs::read_to_string(course.root.join("book/src").join(&chapter));
        if text.is_ok_and(|text| !notes::has_notes(&text)) {
            problems.push(Problem {
                location: format!("book/src/{chapter}:1"),
                message: "has no teacher notes (`<!-- teacher-notes -->`)".into(),
            });
        }
    }
    problems
}

/// The preprocessor that puts the minutes at the top of each lesson's chapter and fills
/// the schedule page.
pub struct Schedule;

impl Preprocessor for Schedule {
    fn name(&self) -> &str {
        "schedule"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let root = ctx.root.parent().unwrap_or(Path::new("."));
        let mut course = Course::load(root)?;
        let lang = edition_language(ctx);
        // The lessons' and exercises' titles of the edition (`lesson.zh-CN.toml`).
        course.speak(lang);
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                let file = chapter
                    .path
                    .as_ref()
                    .map(|p| p.to_string_lossy().into_owned());
                chapter.content = time_chapter(&course, file.as_deref(), &chapter.content, lang);
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// The language of the edition being built (`[book] language`), English when it is not one
/// the runner speaks.
pub fn edition_language(ctx: &PreprocessorContext) -> Lang {
    ctx.config
        .book
        .language
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or(Lang::En)
}

/// A chapter with its lesson's minutes under its title (in `lang`), and the schedule where
/// it is asked for.
pub fn time_chapter(course: &Course, file: Option<&str>, markdown: &str, lang: Lang) -> String {
    let lesson = course
        .lessons
        .iter()
        .find(|lesson| file == Some(lesson.chapter_file().as_str()));
    let mut out = String::with_capacity(markdown.len());
    let dir = course.root.join("book/src");
    let sittings = lesson
        .map(|lesson| sittings::sittings(&Model::CLASS, lesson, &dir))
        .unwrap_or_default();
    let mut header_due = lesson
        .and_then(|lesson| Timing::of(&course.root, lesson))
        .map(|timing| header(timing, &sittings, lang));
    let mut stops = 0;
    for line in markdown.split_inclusive('\n') {
        if line.trim() == MARKER {
            out.push_str(&schedule_page(course, lang));
            continue;
        }
        if lesson.is_some() && sittings::marker(line).is_some() {
            out.push_str(&sittings::place_to_stop(&sittings, stops, lang));
            stops += 1;
            continue;
        }
        out.push_str(line);
        if line.starts_with("# ")
            && let Some(header) = header_due.take()
        {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&header);
        }
    }
    out
}

#[cfg(test)]
mod tests;
