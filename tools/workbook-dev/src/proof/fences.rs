//! Listings that end where their author meant them to end.
//!
//! A closing fence with text after it (```` ``` A sentence ````) is not a closing fence
//! for CommonMark: the listing runs on, swallowing the prose after it, the next opening
//! fence as a line of code, and the next listing whole. mdBook builds such a page without a
//! word. Two checks turn the slip into a failure of `verify --book`:
//!
//! - in the chapters' Markdown, with the file and line: a fence line inside a listing, and
//!   text on the line right after a closing fence (a paragraph glued to a listing);
//! - in the built pages of every edition: a listing whose code has a line that starts with
//!   a fence, which is how a swallowed fence shows (a translation could make one too).

use std::fs;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;
use workbook_core::course::Course;
use workbook_core::problem::Problem;

use crate::proof::bookcheck::{each_chapter, editions, files_under};

/// The fence slips in one Markdown text: (line, what is wrong), lines counted from 1.
pub fn slips(markdown: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut found = Vec::new();
    // The open listing's fence character, its length and its line.
    let mut open: Option<(char, usize, usize)> = None;
    for (index, line) in lines.iter().enumerate() {
        let Some((mark, length, rest)) = fence(line) else {
            continue;
        };
        match open {
            None => open = Some((mark, length, index + 1)),
            Some((open_mark, open_length, opened_at)) => {
                if mark != open_mark || length < open_length {
                    continue;
                }
                if !rest.trim().is_empty() {
                    found.push((
                        index + 1,
                        format!(
                            "a fence line inside the listing opened at line {opened_at} \
                             (text after a closing fence does not close it): {}",
                            shorten(line)
                        ),
                    ));
                    continue;
                }
                open = None;
                if let Some(next) = lines.get(index + 1)
                    && !next.trim().is_empty()
                {
                    found.push((
                        index + 2,
                        format!(
                            "text right after the listing that closes at line {} \
                             (leave a blank line): {}",
                            index + 1,
                            shorten(next)
                        ),
                    ));
                }
            }
        }
    }
    if let Some((_, _, opened_at)) = open {
        found.push((
            opened_at,
            "a listing that never closes: it runs to the end of the page".to_string(),
        ));
    }
    found
}

/// A fence line as CommonMark reads one: up to three spaces, then three or more backticks
/// or tildes; returns the character, how many and what follows.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let text = &line[indent..];
    let mark = text.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = text.chars().take_while(|c| *c == mark).count();
    (length >= 3).then(|| (mark, length, &text[length..]))
}

fn shorten(line: &str) -> String {
    let short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Every chapter under `book/src`, checked with [`slips`].
pub fn check_chapters(root: &Path) -> Vec<Problem> {
    each_chapter(root, |_, text| slips(text))
}

/// The built pages of every edition (the English in `html_dir`, each translation in a
/// folder of its own) whose listings hold a fence line.
pub fn check_built(course: &Course, html_dir: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for dir in editions(course, html_dir) {
        let pages = files_under(&dir, &|path| {
            path.extension().is_some_and(|e| e == "html")
                && path.file_name().is_none_or(|n| n != "print.html")
        });
        for page in pages {
            let Ok(html) = fs::read_to_string(&page) else {
                continue;
            };
            for code in listings(&html) {
                if let Some(line) = code.lines().find(|line| fence(line).is_some()) {
                    problems.push(Problem {
                        location: course.relative(&page).display().to_string(),
                        message: format!(
                            "a listing swallowed a fence (the one before it did not close): {}",
                            shorten(line)
                        ),
                    });
                }
            }
        }
    }
    problems
}

/// The text of each `<pre>` of a page, without its tags.
fn listings(html: &str) -> Vec<String> {
    static PRE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)<pre.*?</pre>").expect("a valid pattern"));
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<[^>]*>").expect("a valid pattern"));
    PRE.find_iter(html)
        .map(|pre| TAG.replace_all(pre.as_str(), "").into_owned())
        .collect()
}

#[cfg(test)]
mod tests;
