//! Checks that the book still matches the code: every `{{#include}}` resolves, every
//! lesson has its chapter in `SUMMARY.md`, and every chapter `SUMMARY.md` lists exists.
//!
//! mdBook itself only logs a missing include and builds anyway, leaving a hole where the
//! listing should be; these checks turn such holes into failures of `verify`.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};
use workbook_book::{self as book, diagrams};
use workbook_core::chapter::includes::{Selector, anchors, find_includes};
use workbook_core::course::Course;
use workbook_core::problem::Problem;

/// Checks every include of every chapter under `book/src`.
pub fn check_includes(root: &Path) -> Vec<Problem> {
    each_chapter(root, |chapter, text| {
        let chapter_dir = chapter.parent().unwrap_or(chapter);
        let mut found = Vec::new();
        for include in find_includes(text) {
            let target = chapter_dir.join(&include.path);
            let Ok(source) = fs::read_to_string(&target) else {
                let message = format!("includes {}, which does not exist", include.path);
                found.push((include.line, message));
                continue;
            };
            match &include.selector {
                Selector::Whole | Selector::Lines(None) => {}
                Selector::Lines(Some(start)) => {
                    let lines = source.lines().count();
                    if *start == 0 || *start > lines {
                        let message = format!(
                            "includes {} from line {start}, but it has {lines} lines",
                            include.path
                        );
                        found.push((include.line, message));
                    }
                }
                Selector::Anchor(name) => {
                    let starts = anchors(&source, "ANCHOR:").contains(name);
                    let ends = anchors(&source, "ANCHOR_END:").contains(name);
                    let missing = match (starts, ends) {
                        (true, true) => None,
                        (false, _) => Some(format!("`ANCHOR: {name}`")),
                        (true, false) => Some(format!("`ANCHOR_END: {name}`")),
                    };
                    if let Some(missing) = missing {
                        let message =
                            format!("includes {}:{name}, but it has no {missing}", include.path);
                        found.push((include.line, message));
                    }
                }
            }
        }
        found
    })
}

/// Checks every diagram of every chapter under `book/src` for misdrawings: arrows that miss
/// their lifeline, corners left open (`book/diagrams/check.rs`).
pub fn check_diagrams(root: &Path) -> Vec<Problem> {
    each_chapter(root, |_, text| {
        diagrams::chapter_misdrawings(text)
            .into_iter()
            .map(|m| (m.line, format!("column {}: {}", m.column, m.message)))
            .collect()
    })
}

/// What `check` finds in each chapter under `book/src` (given its path and text): a
/// problem per (line, message), located as `book/src/05-grpc.md:LINE`.
pub fn each_chapter(
    root: &Path,
    mut check: impl FnMut(&Path, &str) -> Vec<(usize, String)>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for chapter in markdown_files(&root.join("book/src")) {
        let Ok(text) = fs::read_to_string(&chapter) else {
            continue;
        };
        let shown = chapter.strip_prefix(root).unwrap_or(&chapter).display();
        let found = check(&chapter, &text).into_iter();
        problems.extend(found.map(|(line, message)| Problem {
            location: format!("{shown}:{line}"),
            message,
        }));
    }
    problems
}

/// The chapter files `SUMMARY.md` links to (draft chapters `[x]()` excluded), with lines.
pub fn summary_links(summary: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    for (index, line) in summary.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].trim();
            let target = target.split('#').next().unwrap_or_default();
            if !target.is_empty() {
                links.push((index + 1, target.to_string()));
            }
            rest = &after[end..];
        }
    }
    links
}

/// Checks that `SUMMARY.md` lists every lesson's chapter and that each file it lists exists.
pub fn check_summary(course: &Course) -> Vec<Problem> {
    let src = course.root.join("book/src");
    let summary_path = src.join("SUMMARY.md");
    let Ok(summary) = fs::read_to_string(&summary_path) else {
        return vec![Problem {
            location: "book/src/SUMMARY.md".into(),
            message: "is missing".into(),
        }];
    };
    let links = summary_links(&summary);
    let mut problems = Vec::new();
    for (line, target) in &links {
        if !src.join(target).is_file() {
            problems.push(Problem {
                location: format!("book/src/SUMMARY.md:{line}"),
                message: format!("lists {target}, which does not exist"),
            });
        }
    }
    let lines: Vec<&str> = summary.lines().collect();
    let line_of = |chapter: &str| {
        links
            .iter()
            .find(|(_, target)| target == chapter)
            .map(|(line, _)| *line)
    };
    for (index, lesson) in course.lessons.iter().enumerate() {
        let chapter = lesson.chapter_file();
        if line_of(&chapter).is_some() {
            continue;
        }
        let entry = format!("- [{} · {}]({chapter})", lesson.number(), lesson.title);
        // After the chapter of the lesson before it, or before the one after it.
        let before = course.lessons[..index]
            .iter()
            .rev()
            .find_map(|l| line_of(&l.chapter_file()));
        let after = course.lessons[index + 1..]
            .iter()
            .find_map(|l| line_of(&l.chapter_file()));
        let (at, beside) = match (before, after) {
            (Some(line), _) => (
                line + 1,
                format!(", after line {line} «{}»", lines[line - 1]),
            ),
            (None, Some(line)) => (line, format!(", before line {line} «{}»", lines[line - 1])),
            (None, None) => (lines.len() + 1, " at its end".to_string()),
        };
        problems.push(Problem {
            location: format!("book/src/SUMMARY.md:{at}"),
            message: format!(
                "does not list {chapter}, the chapter of lesson `{}`: add the line «{entry}»{beside}",
                lesson.id
            ),
        });
    }
    problems
}

/// The Markdown files under `dir`, in order.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir, &|path| {
        path.is_dir() || path.extension().is_some_and(|e| e == "md")
    })
}

/// The files under `dir` that `keep` keeps, in order, walking only into the folders it
/// keeps too (and into the folders that links point to).
pub fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| keep(entry.path()))
        .flatten()
        .filter(|entry| !entry.file_type().is_dir())
        .map(DirEntry::into_path)
        .collect()
}

/// The folders of the built book's editions: the English in `html_dir`, then each
/// translation in a folder of its own.
pub fn editions(course: &Course, html_dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![html_dir.to_path_buf()];
    let translations = book::i18n::translated(&course.root);
    dirs.extend(translations.iter().map(|language| html_dir.join(language)));
    dirs
}

#[cfg(test)]
mod tests;
