//! A lesson has one title, in each language, wherever it is named: the runner's list
//! (`lesson.toml`, `lesson.zh-CN.toml`), the book's table of contents, the chapter's heading
//! and the introduction's table of lessons. A learner told to open 「干净地退出」 should not
//! have to guess that the introduction's 「注销」 is the same lesson.
//!
//! The lesson files hold the titles; the book must agree with them, in English as written
//! and in Chinese through the catalog (`book/po/zh-CN.po`). And the introduction's course
//! map, where a learner first meets the lessons, has a row for every one.

use std::collections::HashMap;

use workbook_book::i18n::{self, po};
use workbook_core::course::{Course, Lesson};
use workbook_core::language::Lang;
use workbook_core::problem::Problem;

/// The book's names for each lesson that differ from the lesson's title.
pub fn check_titles(course: &Course) -> Vec<Problem> {
    let root = &course.root;
    let read = |file: &str| std::fs::read_to_string(root.join("book/src").join(file)).ok();
    let summary = read("SUMMARY.md").unwrap_or_default();
    let introduction = read("introduction.md").unwrap_or_default();
    let catalog: HashMap<String, String> = i18n::translated(root)
        .first()
        .and_then(|lang| {
            // The catalog's own faults (its header) are the coverage check's to report.
            let file = i18n::po_file(root, lang);
            po::parse(
                &std::fs::read_to_string(&file).ok()?,
                &file.display().to_string(),
            )
            .ok()
        })
        .map(|catalog| {
            catalog
                .entries
                .into_iter()
                .filter(|entry| entry.is_translated() && entry.context.is_none())
                .map(|entry| (entry.msgid, entry.msgstr))
                .collect()
        })
        .unwrap_or_default();
    let chinese = Course::load(root).ok().map(|mut chinese| {
        chinese.speak(Lang::ZhCn);
        chinese
    });

    let mut problems = Vec::new();
    for lesson in &course.lessons {
        let chapter = lesson.chapter_file();
        let number = lesson.folder.split('-').next().unwrap_or_default();
        let english = &lesson.title;
        // Each place the book names the lesson: where, the name, and whether the catalog
        // holds it as a link (the introduction's table cells) or as the text alone.
        let mut names: Vec<(String, String, bool)> = Vec::new();
        let link = format!("]({chapter})");
        for (n, line) in summary.lines().enumerate() {
            if let Some(text) = link_text(line, &link) {
                names.push((format!("book/src/SUMMARY.md:{}", n + 1), text, false));
            }
        }
        if let Some(heading) = read(&chapter).and_then(|text| {
            let first = text.lines().next()?.strip_prefix("# ")?.to_string();
            Some(first)
        }) {
            names.push((format!("book/src/{chapter}:1"), heading, false));
        }
        let mapped = names.len();
        for (n, line) in introduction.lines().enumerate() {
            if line.starts_with(&format!("| {number} "))
                && let Some(text) = link_text(line, &link)
            {
                let at = format!("book/src/introduction.md:{}", n + 1);
                names.push((at, text, true));
            }
        }
        // The course map is where a learner first meets the lessons: it shows every one.
        if names.len() == mapped && introduction.contains("\n| 01 ") {
            let (at, beside) = course_map_place(&introduction, number);
            problems.push(Problem {
                location: format!("book/src/introduction.md:{at}"),
                message: format!(
                    "the course map has no row for {chapter}, lesson {number} `{}` «{english}»: add the \
                     row «| {number} | `{}` | [{english}]({chapter}) | what it teaches, in a \
                     line |» {beside}",
                    lesson.id, lesson.id
                ),
            });
        }

        let chinese_title = chinese
            .as_ref()
            .and_then(|c| c.lessons.iter().find(|l| l.id == lesson.id))
            .map(|l: &Lesson| l.title.clone())
            .filter(|title| title != english);
        for (location, name, as_link) in names {
            // The table of contents and the headings number the title: `06 · …`.
            let (prefix, title) = match name.split_once(" · ") {
                Some((n, title)) if n == number => (format!("{n} · "), title.to_string()),
                _ => (String::new(), name.clone()),
            };
            if title != *english {
                problems.push(Problem {
                    location: location.clone(),
                    message: format!(
                        "names lesson `{}` «{title}», but its title is «{english}» \
                         (lessons/{}/lesson.toml)",
                        lesson.id, lesson.folder
                    ),
                });
                continue;
            }
            let message = if as_link {
                format!("[{name}]({chapter})")
            } else {
                name.clone()
            };
            let (Some(zh), Some(translated)) = (&chinese_title, catalog.get(&message)) else {
                continue;
            };
            let translated = if as_link {
                link_text(translated, &link).unwrap_or_default()
            } else {
                translated.clone()
            };
            let translated_title = translated.strip_prefix(&prefix).unwrap_or(&translated);
            if translated_title != zh {
                problems.push(Problem {
                    location,
                    message: format!(
                        "in zh-CN names lesson `{}` «{translated_title}», but its title is \
                         «{zh}» (lessons/{}/lesson.zh-CN.toml; book/po/zh-CN.po)",
                        lesson.id, lesson.folder
                    ),
                });
            }
        }
    }
    problems
}

/// Where lesson `number`'s row goes in the introduction's course map: the line's number,
/// and how to say so (after the row of the lesson before it, or before the next one's).
fn course_map_place(introduction: &str, number: &str) -> (usize, String) {
    let rows: Vec<(usize, &str)> = introduction
        .lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let row = line.strip_prefix("| ")?;
            let cell = row.split(' ').next()?;
            cell.chars()
                .all(|c| c.is_ascii_digit())
                .then_some((n + 1, cell))
        })
        .filter(|(_, cell)| !cell.is_empty())
        .collect();
    match rows.iter().rev().find(|(_, cell)| *cell < number) {
        Some((line, cell)) => (
            line + 1,
            format!("after line {line}, the row of lesson {cell}"),
        ),
        None => {
            let first = rows.first().map_or(1, |(line, _)| *line);
            (first, format!("before line {first}"))
        }
    }
}

/// The text of the Markdown link on `line` whose target ends with `link` (`](06-register.md)`).
fn link_text(line: &str, link: &str) -> Option<String> {
    let end = line.find(link)?;
    let start = line[..end].rfind('[')?;
    Some(line[start + 1..end].to_string())
}

#[cfg(test)]
mod tests;
