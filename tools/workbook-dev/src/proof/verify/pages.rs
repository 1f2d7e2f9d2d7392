//! `verify`'s part for the book: includes, `SUMMARY.md`, the diagrams' drawing, the paths the
//! docs name, the build, and the pages in a real browser. `verify --book` runs this part
//! alone: it builds no lesson, so a change to a chapter or the book's stylesheet is proved in
//! seconds.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};

use super::table::print_browser_check;
use crate::proof::bookcheck;
use crate::proof::browsercheck;
use crate::proof::pathcheck;
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;
use workbook_full::book;

/// `verify --book`: the whole book's checks and nothing else. An error on any miss.
pub async fn run_book_only(course: &Course) -> Result<()> {
    let started = Instant::now();
    let (misses, skipped) = print(course, None).await;
    let elapsed = started.elapsed().as_secs_f64();
    let skipped = if skipped { ", 1 skipped" } else { "" };
    println!();
    println!("verify --book: {misses} failed{skipped} ({elapsed:.1} s)");
    if misses > 0 {
        bail!("{misses} problem(s) found in the book ({elapsed:.1} s)");
    }
    Ok(())
}

/// Checks the book (with `only`, just those lessons' chapters, unbuilt) and prints what it
/// finds; returns the number of problems and whether the browser check was skipped.
pub(super) async fn print(course: &Course, only: Option<&[&Lesson]>) -> (usize, bool) {
    let (book_problems, book_built) = check_book(course, only);
    println!();
    println!("{}", ui::bold("The book"));
    if book_problems.is_empty() {
        let what = match only {
            None => "every include resolves, SUMMARY.md lists every lesson, every listing \
                     closes, every diagram is drawn whole, every path the docs name exists"
                .to_string(),
            Some(lessons) => format!(
                "{}: listed in SUMMARY.md, every include resolves, every listing closes, every \
                 diagram is drawn whole, every path it names exists",
                lessons
                    .iter()
                    .map(|l| l.chapter_file())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        println!("  {} {what}", ui::pass_mark());
    }
    for problem in &book_problems {
        println!(
            "  {} {}: {}",
            ui::fail_mark(),
            problem.location,
            problem.message
        );
    }
    match &book_built {
        Some(Ok(_)) => println!("  {} the book builds", ui::pass_mark()),
        Some(Err(err)) => println!("  {} the book does not build: {err}", ui::fail_mark()),
        None => println!(
            "  {} the whole book is built by `verify` without --lesson",
            ui::todo_mark()
        ),
    }
    let browser = match &book_built {
        Some(Ok(html_dir)) => Some(browsercheck::run(&course.root, html_dir).await),
        _ => None,
    };
    let (browser_problems, skipped) = print_browser_check(browser);
    // The translations: each chapter's translated share against book/po/thresholds.toml.
    let translation_problems = match only {
        None => book::i18n::coverage::print_report(&course.root),
        Some(_) => 0,
    };
    let book_broken = matches!(book_built, Some(Err(_)));
    (
        book_problems.len() + usize::from(book_broken) + browser_problems + translation_problems,
        skipped,
    )
}

/// The book's checks: includes, SUMMARY.md and (for the whole course) the build, which
/// gives the folder of the built pages. With `only`, just those lessons' chapters, and no build.
fn check_book(
    course: &Course,
    only: Option<&[&Lesson]>,
) -> (Vec<Problem>, Option<Result<PathBuf, String>>) {
    let mut problems = bookcheck::check_includes(&course.root);
    problems.extend(bookcheck::check_summary(course));
    problems.extend(bookcheck::check_diagrams(&course.root));
    problems.extend(crate::proof::fences::check_chapters(&course.root));
    problems.extend(pathcheck::check_paths(&course.root));
    problems.extend(book::schedule::problems(course));
    problems.extend(crate::proof::titles::check_titles(course));
    problems.extend(crate::proof::terms::check_terms(course));
    problems.extend(crate::proof::test_messages::check(course));
    let Some(lessons) = only else {
        let built = if course.root.join("book/book.toml").is_file() {
            book::build(&course.root).map_err(|err| format!("{err:#}"))
        } else {
            Err("book/book.toml is missing".to_string())
        };
        if let Ok(dir) = &built {
            problems.extend(literal_marks(course, dir));
            problems.extend(crate::proof::fences::check_built(course, dir));
        }
        return (problems, Some(built));
    };
    problems.retain(|problem| {
        lessons.iter().any(|lesson| {
            let chapter = lesson.chapter_file();
            problem
                .location
                .starts_with(&format!("book/src/{chapter}:"))
                || problem.message.contains(&format!(" {chapter}"))
                || problem.location == format!("lessons/{}/lesson.toml", lesson.folder)
                || problem
                    .location
                    .starts_with(&format!("lessons/{}/", lesson.folder))
        })
    });
    (problems, None)
}

/// Emphasis the translated editions show as typed (`**提问：**`), and options whose `--`
/// became a dash in any edition, page by page.
fn literal_marks(course: &Course, html_dir: &std::path::Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for dir in bookcheck::editions(course, html_dir) {
        for mark in book::i18n::markup::literal_marks(&dir) {
            problems.push(Problem {
                location: course.relative(&mark.page).display().to_string(),
                message: if mark.around.contains('–') {
                    format!(
                        "an option's `--` printed as a dash: «{}» (put it in backticks)",
                        mark.around
                    )
                } else {
                    format!(
                        "emphasis shown as typed: «{}» (CommonMark does not open or close \
                         `**`/`_` between CJK punctuation and a letter; see book/po/README)",
                        mark.around
                    )
                },
            });
        }
    }
    problems
}
