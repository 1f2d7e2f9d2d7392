//! How a chapter is measured for the schedule: its words of prose and the lines of its
//! listings, teacher notes left out and each `{{#include}}` counted as what it brings in.
//! The model that turns sizes into minutes is `workbook_core::timing`, which a learner's
//! `list` uses too.

use std::fs;
use std::path::Path;

use workbook_core::chapter::{includes, notes};
use workbook_core::timing::ChapterSize;

/// The chapter `file` of the book in `root/book/src`: its teacher notes left out, each
/// `{{#include}}` counted as the lines it brings in. A missing chapter is empty.
pub fn chapter_size(root: &Path, file: &str) -> ChapterSize {
    let src = root.join("book/src");
    let text = fs::read_to_string(src.join(file)).unwrap_or_default();
    measure_chapter(&text, &src)
}

/// `markdown`, whose includes are relative to `dir`.
pub fn measure_chapter(markdown: &str, dir: &Path) -> ChapterSize {
    let text = notes::leave_out_notes(markdown).unwrap_or_else(|_| markdown.to_string());
    let mut size = ChapterSize::default();
    let mut fence: Option<&str> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if fence_of(trimmed).is_some_and(|f| f.starts_with(open))
                && trimmed.trim_start_matches(['`', '~']).trim().is_empty()
            {
                fence = None;
                continue;
            }
            let found = includes::find_includes(line);
            if found.is_empty() {
                size.listing_lines += 1;
            }
            for include in found {
                let text = includes::included_text(dir, &include).unwrap_or_default();
                size.listing_lines += text.lines().count() as u32;
            }
        } else if let Some(open) = fence_of(trimmed) {
            fence = Some(open);
        } else if !trimmed.starts_with("<!--") {
            size.words += line.split_whitespace().filter(|w| is_word(w)).count() as u32;
        }
    }
    size
}

/// The fence that opens (or closes) a code block on this line: three or more `` ` `` or `~`.
fn fence_of(line: &str) -> Option<&str> {
    let mark = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = line.len() - line.trim_start_matches(mark).len();
    (length >= 3).then(|| &line[..length])
}

/// A token of prose that is read: it has a letter or a digit (a table's `|` or `---` is not).
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}
