//! The course map: every lesson with its progress, and the exercise to do next.

use std::fs;

use unicode_width::UnicodeWidthStr;

use crate::learner::lang;
use crate::learner::state::{State, Status};
use workbook_core::course::{Course, Exercise, Lesson, Model};
use workbook_core::language::messages::{Msg, say, tell};
use workbook_core::language::{self, Lang};
use workbook_core::po;
use workbook_core::ports::{self, Layout};
use workbook_core::timing;
use workbook_core::ui;

/// The course's name, from the book's `book.toml`; in another language, its translation in
/// that edition's catalog (`book/po/zh-CN.po`), as the translated book's title is.
pub fn course_title(course: &Course) -> String {
    let english = fs::read_to_string(course.root.join("book/book.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| table.get("book")?.get("title")?.as_str().map(String::from))
        .unwrap_or_else(|| "The course".to_string());
    let lang = language::current();
    if lang == Lang::En {
        return english;
    }
    let catalog = course.root.join(format!("book/po/{}.po", lang.code()));
    let translated = po::read_translation(&catalog).ok().and_then(|catalog| {
        let entry = catalog.entries.into_iter().find(|e| e.key() == english)?;
        entry.is_translated().then_some(entry.msgstr)
    });
    translated.unwrap_or(english)
}

/// `list`: every lesson and exercise with its progress, then the exercise to do next.
pub fn list(course: &Course, state: &State) {
    print(course, state, true);
    if let Some((lesson, exercise)) = state.current(course) {
        println!();
        let layout = Layout::of(&course.root, None).unwrap_or(Layout::STANDARD);
        print_current(course, lesson, exercise, layout, false);
    }
}

/// Prints every lesson with a progress bar; with `exercises`, each exercise under it.
pub fn print(course: &Course, state: &State, exercises: bool) {
    let (done, total) = state.progress(course.exercises().map(|(_, e)| e));
    println!(
        "{}   {}{}",
        ui::bold(&course_title(course)),
        ui::progress(done, total, 24),
        time_left(&course.lessons, state)
    );
    if course.lessons.is_empty() {
        tell(Msg::NoLessons, &[]);
        return;
    }
    println!();
    let id_width = course.lessons.iter().map(|l| l.id.len()).max().unwrap_or(4);
    let title_width = course
        .lessons
        .iter()
        .map(|l| l.title.width())
        .max()
        .unwrap_or(10);
    let current = state.current(course).map(|(_, e)| e.id.as_str());
    for lesson in &course.lessons {
        let (done, total) = state.progress(&lesson.exercises);
        let number = lesson.number();
        let mark = if total > 0 && done == total {
            ui::pass_mark()
        } else {
            " ".to_string()
        };
        println!(
            "{mark} {number:>2} {:<id_width$}  {}{}  {}{}",
            lesson.id,
            lesson.title,
            // Chinese characters take two cells each: pad by cells, not by characters.
            " ".repeat(title_width - lesson.title.width()),
            ui::progress(done, total, 10),
            time_left(std::slice::from_ref(lesson), state)
        );
        if exercises {
            for exercise in &lesson.exercises {
                print_exercise_line(state, exercise, current == Some(exercise.id.as_str()));
            }
        }
    }
}

/// "  · about 45 min left", from the minutes of the lessons' exercises not yet passed;
/// nothing at 0.
fn time_left(lessons: &[Lesson], state: &State) -> String {
    let minutes: u32 = lessons
        .iter()
        .map(|lesson| timing::minutes_left(lesson, |e| state.is_done(&e.id)))
        .sum();
    match minutes {
        0 => String::new(),
        minutes => ui::dim(&say(Msg::TimeLeft, &[("time", &timing::duration(minutes))])),
    }
}

/// ✓ passed, ✗ failed at its last check, · not checked yet.
pub fn status_mark(state: &State, exercise: &Exercise) -> String {
    match state.get(&exercise.id).status {
        Some(Status::Passed) => ui::pass_mark(),
        Some(Status::Failed) => ui::fail_mark(),
        None => ui::todo_mark(),
    }
}

fn print_exercise_line(state: &State, exercise: &Exercise, is_current: bool) {
    let mark = status_mark(state, exercise);
    let pointer = if is_current {
        ui::cyan(&say(Msg::NextPointer, &[]))
    } else {
        String::new()
    };
    println!(
        "       {mark} {:<24} {} {pointer}",
        exercise.id, exercise.title
    );
}

/// What to do next: the exercise, its file, how to run its lesson and check it.
pub fn print_current(
    course: &Course,
    lesson: &Lesson,
    exercise: &Exercise,
    layout: Layout,
    book_served: bool,
) {
    let file = course
        .relative(&lesson.exercise_path(exercise))
        .display()
        .to_string();
    println!(
        "{} {} · {}",
        ui::cyan("▶"),
        ui::bold(&exercise.id),
        exercise.title
    );
    tell(Msg::CurrentFile, &[("file", &ui::bold(&file))]);
    // As the chapter runs it: in release mode where the chapter builds it so.
    let profile = if lesson.runs_released() {
        " --release"
    } else {
        ""
    };
    let run = ui::cyan(&format!(
        "cargo run{profile} -p {} -- --help",
        lesson.package
    ));
    tell(Msg::CurrentRun, &[("command", &run)]);
    let model = match lesson.model {
        Model::Rebuild => Msg::ModelRebuild,
        Model::CallsYours => Msg::ModelCallsYours,
    };
    tell(model, &[]);
    let check = ui::cmd(&format!("check {}", exercise.id));
    tell(Msg::CurrentCheck, &[("command", &check)]);
    // With a base port, the port the book shows for the lesson's server is not this copy's.
    if let (Some(base), Some(number)) = (layout.base(), ports::lesson_number(&lesson.folder)) {
        let (addr, ports) = (layout.lesson(number), ui::cmd("ports"));
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("addr", &addr), ("base", &base), ("ports", &ports)];
        tell(Msg::CurrentAddr, &args);
    }
    if book_served {
        let book = lang::book_url(&course.root, layout.book());
        let url = ui::cyan(&format!("{book}{}.html", lesson.folder));
        tell(Msg::CurrentRead, &[("url", &url)]);
    }
}
