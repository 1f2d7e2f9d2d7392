//! Where an answer's lines stand besides the answer: the places a learner reads, and the
//! runs of its lines found together there.
//!
//! The places: every Rust file under `shared/src`, `micro/src`, `lab/src` (what lessons 14
//! and 17 share: the load, its history, the docker helpers) and the `src/` of the
//! exercise's lesson and of the lessons before it (the exercise's own stubs left out, unit
//! tests too, and the answer itself where it is a module of the framework: its one home),
//! and the exercise's chapter as far as its `## Exercises` heading: the Rust listings it shows there, each include read as mdBook puts it in.
//! What a chapter shows after that heading is read after the exercises (the answer, say,
//! once the learner has passed).
//!
//! Lines are compared by their renamed keys (`lines.rs`): a copy with its names changed is
//! still a copy. A line counts when it says something: its renamed key is
//! [`DISTINCTIVE_LENGTH`] characters or more and not the language alone, and the stub does
//! not hold it already (a signature, a type).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::lines::{Line, code_lines, is_trivial};
use crate::proof::bookcheck::files_under;
use workbook_core::chapter::includes::{find_includes, included_text};
use workbook_core::course::{Course, Lesson};

/// A renamed key shorter than this says too little to count as copied
/// (`if$0>$1{` is 8 characters, `let$0=$1.len();` 15).
pub const DISTINCTIVE_LENGTH: usize = 14;

/// The heading of a chapter's section of exercises: the listings above it are read before.
pub const EXERCISES_HEADING: &str = "## Exercises";

/// A place a learner reads, as the lines that count there.
#[derive(Debug, Clone)]
pub struct Place {
    /// Relative to the course's root (`shared/src/accept.rs`, `book/src/01-tcp.md`).
    pub name: PathBuf,
    /// Each line's number there and its renamed key.
    pub lines: Vec<(usize, String)>,
}

/// Consecutive lines of an answer found together in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The first line's number in the answer, and its text as written.
    pub line: usize,
    pub text: String,
    /// How many lines that count, in a row.
    pub length: usize,
    pub found_in: PathBuf,
    pub found_line: usize,
}

/// The Rust files a learner reads, with their text: `shared/src`, `micro/src`, `lab/src`,
/// every lesson's `src/`.
pub fn sources(course: &Course) -> Vec<(PathBuf, String)> {
    // A module's unit tests in a file of their own (`tests.rs`, `tests/`) are not worked
    // code a learner copies from, as a `#[cfg(test)]` module is not (`lines.rs`).
    let rust = |path: &Path| {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        name != "tests"
            && name != "tests.rs"
            && (path.is_dir() || path.extension().is_some_and(|ext| ext == "rs"))
    };
    let mut readable = files_under(&course.root.join("shared/src"), &rust);
    readable.extend(files_under(&course.root.join("shared/ca/src"), &rust));
    readable.extend(files_under(&course.root.join("micro/src"), &rust));
    readable.extend(files_under(&course.root.join("lab/src"), &rust));
    for lesson in &course.lessons {
        readable.extend(files_under(&lesson.dir.join("src"), &rust));
    }
    readable
        .into_iter()
        .filter_map(|path| Some((path.clone(), fs::read_to_string(&path).ok()?)))
        .collect()
}

/// The Rust listings of `lesson`'s chapter above its [`EXERCISES_HEADING`], as one text,
/// and the chapter's line of each of its lines (an included line has the include's).
pub fn chapter_listings(course: &Course, lesson: &Lesson) -> Option<(PathBuf, String, Vec<usize>)> {
    let relative = PathBuf::from("book/src").join(lesson.chapter_file());
    let path = course.root.join(&relative);
    let chapter = fs::read_to_string(&path).ok()?;
    let dir = path.parent()?;
    let mut text = String::new();
    let mut numbers = Vec::new();
    let mut fence: Option<bool> = None; // inside a fence: whether it is Rust
    for (index, line) in chapter.lines().enumerate() {
        let trimmed = line.trim_start();
        if fence.is_none() && line.trim_end() == EXERCISES_HEADING {
            break;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(info.trim().starts_with("rust")),
            };
            continue;
        }
        if fence != Some(true) {
            continue;
        }
        let includes = find_includes(line);
        let shown: Vec<String> = if includes.is_empty() {
            vec![line.to_string()]
        } else {
            includes
                .iter()
                .filter_map(|include| included_text(dir, include))
                .flat_map(|text| text.lines().map(str::to_string).collect::<Vec<_>>())
                .collect()
        };
        for shown in shown {
            text.push_str(&shown);
            text.push('\n');
            numbers.push(index + 1);
        }
    }
    Some((relative, text, numbers))
}

/// The lines of `text` that count (the module's doc), less those `given` holds.
pub fn counted<'a>(text: &'a str, given: &HashSet<String>) -> Vec<Line<'a>> {
    code_lines(text)
        .into_iter()
        .filter(|line| {
            line.renamed.chars().count() >= DISTINCTIVE_LENGTH
                && !is_trivial(&line.key)
                && !given.contains(&line.renamed)
        })
        .collect()
}

/// The runs of `answer`'s lines that stand together in `place`, longest first. A run is
/// maximal: it is not part of a longer one in the same place.
pub fn find_runs(answer: &[Line], place: &Place) -> Vec<Run> {
    let mut runs = Vec::new();
    let there = &place.lines;
    for (i, line) in answer.iter().enumerate() {
        for (j, (found_line, other)) in there.iter().enumerate() {
            if &line.renamed != other {
                continue;
            }
            // Only where a run starts: the line before does not match too.
            if i > 0 && j > 0 && answer[i - 1].renamed == there[j - 1].1 {
                continue;
            }
            let length = answer[i..]
                .iter()
                .zip(&there[j..])
                .take_while(|(a, b)| a.renamed == b.1)
                .count();
            runs.push(Run {
                line: line.number,
                text: line.written.trim().to_string(),
                length,
                found_in: place.name.clone(),
                found_line: *found_line,
            });
        }
    }
    runs.sort_by(|a, b| b.length.cmp(&a.length).then(a.line.cmp(&b.line)));
    runs
}
