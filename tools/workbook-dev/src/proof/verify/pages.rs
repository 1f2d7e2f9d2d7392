//! `verify`'s part for the book: includes, `SUMMARY.md`, the diagrams' drawing, the paths the
//! docs name, the translations, the build, and the pages in a real browser. `verify --book` runs this part
//! alone: it builds no lesson, so a change to a chapter or the book's stylesheet is proved in
//! seconds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};

use super::table::print_browser_check;
use crate::proof::bookcheck;
use crate::proof::browsercheck;
use crate::proof::catalog;
use crate::proof::pathcheck;
use workbook_book as book;
use workbook_book::i18n::coverage;
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;

/// Where verify builds the book (ignored by git, as `book/build` is).
const VERIFY_BUILD: &str = "book/build.verify";

/// Each chapter's least translated share, per language.
const THRESHOLDS: &str = "book/po/thresholds.toml";

/// `verify --book`: the whole book's checks and nothing else. An error on any miss.
pub async fn run_book_only(course: &Course) -> Result<()> {
    let started = Instant::now();
    let checked = check(course.clone(), None).await;
    let (misses, skipped) = print(course, None, checked, catalog::check(course, None));
    let elapsed = started.elapsed().as_secs_f64();
    let skipped = if skipped { ", 1 skipped" } else { "" };
    println!();
    println!("verify --book: {misses} failed{skipped} ({elapsed:.1} s)");
    if misses > 0 {
        bail!("{misses} problem(s) found in the book ({elapsed:.1} s)");
    }
    Ok(())
}

/// `verify --site DIR`: the checks of the built book on a site built elsewhere
/// (`workbook-book site DIR`, as .github/workflows/book.yml builds the site it publishes):
/// the same checks as the book `verify` builds itself gets, the pages in a browser
/// included, served as the book's server serves them. An error on any miss.
pub async fn run_site(course: &Course, dir: &Path) -> Result<()> {
    let started = Instant::now();
    if !dir.is_dir() {
        bail!(
            "{} is not a folder (`workbook-book site DIR` builds one)",
            dir.display()
        );
    }
    let dir = std::path::absolute(dir)?;
    let problems = built_problems(course, &dir);
    let browser = browsercheck::run(&course.root, &dir).await;
    println!();
    println!("{}", ui::bold("The site"));
    if problems.is_empty() {
        println!(
            "  {} every chapter of every edition has its page, every mark and listing is \
             shown as written",
            ui::pass_mark()
        );
    }
    for problem in &problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    let (browser_problems, skipped) = print_browser_check(Some(browser));
    let misses = problems.len() + browser_problems;
    let elapsed = started.elapsed().as_secs_f64();
    let skipped = if skipped { ", 1 skipped" } else { "" };
    println!();
    println!("verify --site: {misses} failed{skipped} ({elapsed:.1} s)");
    if misses > 0 {
        bail!(
            "{misses} problem(s) found in {} ({elapsed:.1} s)",
            dir.display()
        );
    }
    Ok(())
}

/// What is checked of the pages of a built book, wherever it was built: every chapter's
/// page there in every edition, no mark shown as typed, the listings as built.
pub(super) fn built_problems(course: &Course, dir: &Path) -> Vec<Problem> {
    let mut problems = missing_pages(course, dir);
    problems.extend(literal_marks(course, dir));
    problems.extend(crate::proof::fences::check_built(course, dir));
    problems
}

/// Each chapter `SUMMARY.md` lists, and the first page, in each edition built into `dir`.
fn missing_pages(course: &Course, dir: &Path) -> Vec<Problem> {
    let summary = course.root.join("book/src/SUMMARY.md");
    let summary = std::fs::read_to_string(summary).unwrap_or_default();
    let chapters = bookcheck::summary_links(&summary);
    let mut problems = Vec::new();
    for edition in bookcheck::editions(course, dir) {
        let pages = chapters
            .iter()
            .filter_map(|(_, chapter)| chapter.strip_suffix(".md"))
            .map(|page| format!("{page}.html"))
            .chain(["index.html".to_string()]);
        for page in pages {
            if !edition.join(&page).is_file() {
                problems.push(Problem {
                    location: edition.join(&page).display().to_string(),
                    message: "missing from the built book".to_string(),
                });
            }
        }
    }
    problems
}

/// What the book's checks found, kept to be printed later: `verify` runs them beside the
/// transcripts, which spend most of their time waiting on the programs they run, and prints
/// them after the transcripts' rows.
pub(super) struct BookChecked {
    problems: Vec<Problem>,
    /// The folder of the built pages, or why the book does not build; `None` with `--lesson`.
    built: Option<Result<PathBuf, String>>,
    browser: Option<browsercheck::BrowserCheck>,
}

/// Checks the book (with `only`, just those lessons' chapters, unbuilt), and loads its
/// built pages in a browser. Prints nothing.
pub(super) async fn check(course: Course, only: Option<Vec<Lesson>>) -> BookChecked {
    let root = course.root.clone();
    // Reading every chapter and building the book keep a core busy for seconds: on a thread
    // of their own, not on one the transcripts' waiting runs on.
    let (problems, built) = tokio::task::spawn_blocking(move || {
        let only: Option<Vec<&Lesson>> = only.as_ref().map(|lessons| lessons.iter().collect());
        check_book(&course, only.as_deref())
    })
    .await
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()));
    let browser = match &built {
        Some(Ok(html_dir)) => Some(browsercheck::run(&root, html_dir).await),
        _ => None,
    };
    BookChecked {
        problems,
        built,
        browser,
    }
}

/// Prints what [`check`] found, with what the catalog's check found; returns the number of
/// problems and whether the browser check was skipped.
pub(super) fn print(
    course: &Course,
    only: Option<&[&Lesson]>,
    checked: BookChecked,
    catalog: Vec<Problem>,
) -> (usize, bool) {
    let BookChecked {
        problems: book_problems,
        built: book_built,
        browser,
    } = checked;
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
        println!("  {} {problem}", ui::fail_mark());
    }
    match &book_built {
        Some(Ok(_)) => println!("  {} the book builds", ui::pass_mark()),
        Some(Err(err)) => println!("  {} the book does not build: {err}", ui::fail_mark()),
        None => println!(
            "  {} the whole book is built by `verify` without --lesson",
            ui::todo_mark()
        ),
    }
    let (browser_problems, skipped) = print_browser_check(browser);
    // The translations: each chapter's translated share against book/po/thresholds.toml.
    let translation_problems = match only {
        None => book::i18n::coverage::print_report(&course.root),
        Some(lessons) => print_lesson_translations(course, lessons),
    } + catalog::print(course, only, &catalog);
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
            // Into a folder of verify's own: the book server (`workbook book`, a learner's
            // session) and the runner's tests build the book into its build folder, and a
            // build empties its folder first.
            let dir = course.root.join(VERIFY_BUILD);
            book::build_languages_to(&course.root, None, Some(&dir))
                .and_then(|(dir, editions)| editions.map(|()| dir))
                .map_err(|err| format!("{err:#}"))
        } else {
            Err("book/book.toml is missing".to_string())
        };
        if let Ok(dir) = &built {
            problems.extend(built_problems(course, dir));
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

/// `verify --lesson`'s report on the translations: the translated share of each of the
/// lessons' chapters, and of the two pages a lesson adds a line to (`SUMMARY.md`,
/// `introduction.md`), against `book/po/thresholds.toml`, which must name each chapter.
/// Returns the number of problems.
fn print_lesson_translations(course: &Course, lessons: &[&Lesson]) -> usize {
    let root = &course.root;
    let langs = book::i18n::translated(root);
    if langs.is_empty() {
        return 0;
    }
    println!();
    println!("{}", ui::bold("The translations"));
    let thresholds = match coverage::thresholds(root) {
        Ok(thresholds) => thresholds,
        Err(err) => {
            println!("  {} {err:#}", ui::fail_mark());
            return 1;
        }
    };
    let thresholds_text = std::fs::read_to_string(root.join(THRESHOLDS)).unwrap_or_default();
    let chapters: Vec<String> = lessons.iter().map(|l| l.chapter_file()).collect();
    let pages = ["SUMMARY.md".to_string(), "introduction.md".to_string()];
    let mut problems = Vec::new();
    for lang in langs {
        let empty = BTreeMap::new();
        let least = thresholds.get(lang).unwrap_or(&empty);
        for lesson in lessons {
            let chapter = lesson.chapter_file();
            if !least.contains_key(&chapter) {
                let (at, beside) = threshold_place(&thresholds_text, course, lesson, lang);
                problems.push(Problem {
                    location: format!("{THRESHOLDS}:{at}"),
                    message: format!(
                        "names no least translated share for {chapter} in {lang}: add the line \
                         «\"{chapter}\" = 100» {beside} (every lesson's chapter is translated \
                         whole)"
                    ),
                });
            }
        }
        let rows = book::i18n::po::read_translation(&book::i18n::po_file(root, lang)).and_then(
            |catalog| {
                let mut rows = coverage::chapters(root, &catalog)?;
                // A chapter SUMMARY.md does not list yet is not in the book: read on its own.
                for chapter in &chapters {
                    let text = std::fs::read_to_string(root.join("book/src").join(chapter));
                    if let (false, Ok(text)) = (rows.iter().any(|(c, _)| c == chapter), text) {
                        let messages = coverage::chapter_messages(&text);
                        rows.push((chapter.clone(), coverage::count(&messages, &catalog)));
                    }
                }
                Ok(rows)
            },
        );
        let rows = match rows {
            Ok(rows) => rows,
            Err(err) => {
                println!("  {} {lang}: {err:#}", ui::fail_mark());
                problems.push(Problem {
                    location: format!("book/po/{lang}.po"),
                    message: format!("{err:#}"),
                });
                continue;
            }
        };
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|(page, _)| pages.contains(page) || chapters.contains(page))
            .collect();
        for (page, counts) in &rows {
            let share = least.get(page).copied().unwrap_or(0.0);
            let ok = counts.percent() + 1e-9 >= share;
            let mark = if ok { ui::pass_mark() } else { ui::fail_mark() };
            println!(
                "  {mark} {lang} {page:<26} {:>5.1} % translated, {} fuzzy, {} untranslated of {}",
                counts.percent(),
                counts.fuzzy,
                counts.untranslated,
                counts.total()
            );
            if !ok {
                problems.push(Problem {
                    location: format!("book/po/{lang}.po"),
                    message: format!(
                        "{page} is {:.0} % translated, under the {share:.0} % {THRESHOLDS} sets: \
                         translate its {} message(s) left, each a «msgid \"English\"» with its \
                         «msgstr \"…\"» (`workbook-dev i18n status --missing {page}` lists \
                         them; `workbook-dev i18n extract` first adds the new ones to the \
                         catalog)",
                        counts.percent(),
                        counts.fuzzy + counts.untranslated
                    ),
                });
            }
        }
    }
    for problem in &problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    problems.len()
}

/// Where a lesson's chapter's line goes in `book/po/thresholds.toml`: after the chapter of
/// the lesson before it, or at the end of the language's table.
fn threshold_place(text: &str, course: &Course, lesson: &Lesson, lang: &str) -> (usize, String) {
    let lines: Vec<&str> = text.lines().collect();
    let line_of = |chapter: &str| {
        let key = format!("\"{chapter}\"");
        lines.iter().position(|l| l.trim_start().starts_with(&key))
    };
    let earlier = course
        .lessons
        .iter()
        .take_while(|l| l.id != lesson.id)
        .filter_map(|l| line_of(&l.chapter_file()))
        .last();
    match earlier {
        Some(n) => (n + 2, format!("after line {} «{}»", n + 1, lines[n])),
        None => {
            let table = lines.iter().position(|l| l.trim() == format!("[{lang}]"));
            match table {
                Some(n) => (n + 2, format!("under [{lang}]")),
                None => (lines.len() + 1, format!("in a table [{lang}] at its end")),
            }
        }
    }
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

#[cfg(test)]
mod tests;
