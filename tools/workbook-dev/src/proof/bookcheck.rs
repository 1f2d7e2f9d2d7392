//! Checks that the book still matches the code: every `{{#include}}` resolves, every
//! lesson has its chapter in `SUMMARY.md`, and every chapter `SUMMARY.md` lists exists.
//!
//! mdBook itself only logs a missing include and builds anyway, leaving a hole where the
//! listing should be; these checks turn such holes into failures of `verify`.

use std::fs;
use std::path::{Path, PathBuf};

use workbook_core::course::Course;
use workbook_core::problem::Problem;
use workbook_full::book::diagrams;
use workbook_full::book::includes::{Selector, anchors, find_includes};

/// Checks every include of every chapter under `book/src`.
pub fn check_includes(root: &Path) -> Vec<Problem> {
    let src = root.join("book/src");
    let mut problems = Vec::new();
    for chapter in markdown_files(&src) {
        let Ok(text) = fs::read_to_string(&chapter) else {
            continue;
        };
        let chapter_dir = chapter.parent().unwrap_or(&src);
        let shown = chapter
            .strip_prefix(root)
            .unwrap_or(&chapter)
            .display()
            .to_string();
        for include in find_includes(&text) {
            let location = format!("{shown}:{}", include.line);
            let target = chapter_dir.join(&include.path);
            let Ok(source) = fs::read_to_string(&target) else {
                problems.push(Problem {
                    location,
                    message: format!("includes {}, which does not exist", include.path),
                });
                continue;
            };
            match &include.selector {
                Selector::Whole | Selector::Lines(None) => {}
                Selector::Lines(Some(start)) => {
                    let lines = source.lines().count();
                    if *start == 0 || *start > lines {
                        problems.push(Problem {
                            location,
                            message: format!(
                                "includes {} from line {start}, but it has {lines} lines",
                                include.path
                            ),
                        });
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
                        problems.push(Problem {
                            location,
                            message: format!(
                                "includes {}:{name}, but it has no {missing}",
                                include.path
                            ),
                        });
                    }
                }
            }
        }
    }
    problems
}

/// Checks every diagram of every chapter under `book/src` for misdrawings: arrows that miss
/// their lifeline, corners left open (`book/diagrams/check.rs`).
pub fn check_diagrams(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for chapter in markdown_files(&root.join("book/src")) {
        let Ok(text) = fs::read_to_string(&chapter) else {
            continue;
        };
        let shown = chapter.strip_prefix(root).unwrap_or(&chapter).display();
        problems.extend(
            diagrams::chapter_misdrawings(&text)
                .into_iter()
                .map(|m| Problem {
                    location: format!("{shown}:{}", m.line),
                    message: format!("column {}: {}", m.column, m.message),
                }),
        );
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
    for lesson in &course.lessons {
        let chapter = lesson.chapter_file();
        if !links.iter().any(|(_, target)| *target == chapter) {
            problems.push(Problem {
                location: "book/src/SUMMARY.md".into(),
                message: format!(
                    "does not list {chapter}, the chapter of lesson `{}`",
                    lesson.id
                ),
            });
        }
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
/// keeps too.
pub fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !keep(&path) {
            continue;
        }
        if path.is_dir() {
            files.extend(files_under(&path, keep));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests;
