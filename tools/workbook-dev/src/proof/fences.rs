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

use workbook_core::course::Course;
use workbook_core::problem::Problem;
use workbook_full::book;

use crate::proof::bookcheck::{files_under, markdown_files};

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
    let mut problems = Vec::new();
    for chapter in markdown_files(&root.join("book/src")) {
        let Ok(text) = fs::read_to_string(&chapter) else {
            continue;
        };
        let shown = chapter.strip_prefix(root).unwrap_or(&chapter).display();
        for (line, message) in slips(&text) {
            problems.push(Problem {
                location: format!("{shown}:{line}"),
                message,
            });
        }
    }
    problems
}

/// The built pages of every edition (the English in `html_dir`, each translation in a
/// folder of its own) whose listings hold a fence line.
pub fn check_built(course: &Course, html_dir: &Path) -> Vec<Problem> {
    let mut dirs = vec![html_dir.to_path_buf()];
    dirs.extend(
        book::i18n::translated(&course.root)
            .iter()
            .map(|language| html_dir.join(language)),
    );
    let mut problems = Vec::new();
    for dir in dirs {
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
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<pre") {
        let Some(end) = rest[start..].find("</pre>") else {
            break;
        };
        let inner = &rest[start..start + end];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        found.push(text);
        rest = &rest[start + end + "</pre>".len()..];
    }
    found
}

#[cfg(test)]
mod tests;
