//! The book's catalog is current: `book/po/messages.pot` is what `workbook-dev i18n extract`
//! writes from the English book, message for message.
//!
//! The translated share of a chapter is counted against the catalogs, and a listing's
//! comments are found in them: a paragraph or a comment the catalog lacks is one nobody
//! is asked to translate, and the next person to run `extract` inherits a chapter under its
//! threshold that they never touched. So `verify` extracts the messages again (as `extract`
//! does, without writing) and fails where the file differs, naming the messages that are new
//! and those that are gone. The catalog's references name files, not lines, so a line added
//! above a message changes nothing here.

use std::collections::HashSet;

use workbook_book::i18n::{self, po};
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;

/// How many messages a problem names, of each kind.
const SHOWN: usize = 5;

/// What differs between `book/po/messages.pot` and what `extract` would write; with `only`
/// (chapters: `15-observe.md`), just the messages of those chapters and of the pages every
/// lesson adds a line to (`SUMMARY.md`, `introduction.md`). Nothing where the book has no
/// translation. About ten seconds of one core: `verify` runs it beside the transcripts.
pub fn check(course: &Course, only: Option<&[String]>) -> Vec<Problem> {
    let root = &course.root;
    if i18n::translated(root).is_empty() {
        return Vec::new();
    }
    let file = i18n::template_file(root);
    let location = course.relative(&file).display().to_string();
    let problem = |message: String| {
        vec![Problem {
            location: location.clone(),
            message,
        }]
    };
    let template = match i18n::template(root) {
        Ok(template) => template,
        Err(err) => return problem(format!("the book's messages cannot be extracted: {err:#}")),
    };
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    if written == po::write(&template) {
        return Vec::new();
    }
    let on_disk = po::parse(&written, &location).unwrap_or_default();
    let keys = |catalog: &po::Catalog| -> HashSet<String> {
        catalog.entries.iter().map(|e| e.key()).collect()
    };
    let (old_keys, new_keys) = (keys(&on_disk), keys(&template));
    let pages: Option<Vec<String>> = only.map(|chapters| {
        let mut pages: Vec<String> = chapters.iter().map(|c| format!("src/{c}")).collect();
        pages.extend(["src/SUMMARY.md".into(), "src/introduction.md".into()]);
        pages
    });
    let concerns = |entry: &&po::Entry| {
        pages.as_ref().is_none_or(|pages| {
            entry
                .references
                .iter()
                .any(|r| pages.iter().any(|page| po::in_file(r, page)))
        })
    };
    let new: Vec<&po::Entry> = template
        .entries
        .iter()
        .filter(|e| !old_keys.contains(&e.key()))
        .filter(concerns)
        .collect();
    let gone: Vec<&po::Entry> = on_disk
        .entries
        .iter()
        .filter(|e| !new_keys.contains(&e.key()))
        .filter(concerns)
        .collect();
    let fix = "run `cargo run -p workbook-dev -- i18n extract`, which brings each translation \
               along, and commit book/po/";
    if new.is_empty() && gone.is_empty() {
        return match only {
            Some(_) => Vec::new(),
            None => problem(format!(
                "holds the book's messages, but not as `i18n extract` writes them (their \
                 places, order or header differ): {fix}"
            )),
        };
    }
    let mut parts = Vec::new();
    if !new.is_empty() {
        parts.push(format!(
            "{} new message(s), not in it: {}",
            new.len(),
            listed(&new)
        ));
    }
    if !gone.is_empty() {
        parts.push(format!(
            "{} message(s) the book no longer has: {}",
            gone.len(),
            listed(&gone)
        ));
    }
    problem(format!(
        "is not what `i18n extract` writes from the book: {}; {fix}",
        parts.join("; ")
    ))
}

/// The first few of `entries`, each clipped, with the file it is in.
fn listed(entries: &[&po::Entry]) -> String {
    let mut shown: Vec<String> = entries
        .iter()
        .take(SHOWN)
        .map(|entry| {
            let text: String = entry.msgid.split_whitespace().collect::<Vec<_>>().join(" ");
            let text = match text.char_indices().nth(60) {
                Some((at, _)) => format!("{}…", &text[..at]),
                None => text,
            };
            let place = entry.references.first().map_or("", String::as_str);
            format!("«{text}» ({place})")
        })
        .collect();
    if entries.len() > SHOWN {
        shown.push(format!("and {} more", entries.len() - SHOWN));
    }
    shown.join(", ")
}

/// The chapters of `lessons`, as [`check`] takes them.
pub fn chapters(lessons: &[&Lesson]) -> Vec<String> {
    lessons.iter().map(|l| l.chapter_file()).collect()
}

/// Prints what [`check`] found, under the translations' heading; returns the number of
/// problems.
pub fn print(course: &Course, only: Option<&[&Lesson]>, problems: &[Problem]) -> usize {
    if problems.is_empty() {
        if !i18n::translated(&course.root).is_empty() {
            let what = match only {
                None => "is current: `i18n extract` would write it as it is".to_string(),
                Some(lessons) => format!(
                    "holds every message of {}, SUMMARY.md and introduction.md",
                    lessons
                        .iter()
                        .map(|l| l.chapter_file())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            println!("  {} book/po/messages.pot {what}", ui::pass_mark());
        }
        return 0;
    }
    for problem in problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    problems.len()
}

#[cfg(test)]
mod tests;
