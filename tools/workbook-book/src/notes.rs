//! Teacher notes: prompts for whoever teaches a chapter, kept in the chapter itself and shown
//! folded away under it, so that a learner reading the book is not in their way.
//!
//! A chapter writes them between two HTML comments, which the Markdown on GitHub hides and
//! any editor shows as ordinary text:
//!
//! ```text
//! <!-- teacher-notes -->
//! - **Show live:** …
//! <!-- /teacher-notes -->
//! ```
//!
//! While the book is built they become `<details class="teacher-notes">`, closed. The book's
//! `js/teacher.js` opens them all in the teacher view (`?teacher` in the address, remembered
//! by the browser, and a toggle in the menu bar).

use anyhow::bail;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use workbook_core::language::messages::{Msg, say_in};

/// The comment that opens a block of notes, alone on its line.
const OPEN: &str = "<!-- teacher-notes -->";
/// The comment that closes it.
const CLOSE: &str = "<!-- /teacher-notes -->";

/// The preprocessor that folds teacher notes into `<details>`, or leaves them out of a
/// learner's handout (`bundle` without `--teacher`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeacherNotes {
    Folded,
    LeftOut,
}

impl TeacherNotes {
    /// A teacher's copy folds the notes in; a learner's leaves them out.
    pub fn of(teacher: bool) -> TeacherNotes {
        if teacher {
            TeacherNotes::Folded
        } else {
            TeacherNotes::LeftOut
        }
    }
}

impl Preprocessor for TeacherNotes {
    fn name(&self) -> &str {
        "teacher-notes"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let label = say_in(
            crate::schedule::edition_language(ctx),
            Msg::BookTeacherNotes,
            &[],
        );
        let label = label.as_str();
        let mut failure = None;
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let done = match self {
                TeacherNotes::Folded => fold_notes(&chapter.content, label),
                TeacherNotes::LeftOut => leave_out_notes(&chapter.content),
            };
            match done {
                Ok(folded) => chapter.content = folded,
                Err(err) => {
                    let path = chapter.path.as_ref().map(|p| p.display().to_string());
                    let path = path.unwrap_or_else(|| chapter.name.clone());
                    failure.get_or_insert(err.context(format!("in {path}")));
                }
            }
        });
        match failure {
            Some(err) => Err(err),
            None => Ok(book),
        }
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// Turns every block of notes in a chapter into a closed `<details>` under `label`. The
/// blank lines around the notes let Markdown inside them be read as Markdown.
pub fn fold_notes(markdown: &str, label: &str) -> Result<String> {
    rewrite_notes(markdown, Some(label))
}

/// Removes every block of notes from a chapter, for a learner's copy.
pub fn leave_out_notes(markdown: &str) -> Result<String> {
    rewrite_notes(markdown, None)
}

/// Folds the notes under `label` (`Teacher notes`, `教师注释`), or with `None` drops them.
fn rewrite_notes(markdown: &str, label: Option<&str>) -> Result<String> {
    let keep = label.is_some();
    let mut out = String::with_capacity(markdown.len() + 128);
    let mut open_at = None;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        match (line.trim(), open_at) {
            (OPEN, None) => {
                open_at = Some(index + 1);
                if let Some(label) = label {
                    out.push_str(&format!(
                        "<details class=\"teacher-notes\"><summary>{label}</summary>\n\n"
                    ));
                }
            }
            (OPEN, Some(at)) => bail!(
                "line {}: teacher notes opened again before the ones of line {at} were closed",
                index + 1
            ),
            (CLOSE, Some(_)) => {
                open_at = None;
                if keep {
                    out.push_str("\n</details>\n");
                }
            }
            (CLOSE, None) => bail!("line {}: `{CLOSE}` closes no teacher notes", index + 1),
            _ if open_at.is_some() && !keep => {}
            _ => out.push_str(line),
        }
    }
    if let Some(at) = open_at {
        bail!("line {at}: teacher notes are never closed with `{CLOSE}`");
    }
    Ok(out)
}

/// Whether a chapter has teacher notes, for the check that every chapter has some.
pub fn has_notes(markdown: &str) -> bool {
    markdown.lines().any(|line| line.trim() == OPEN)
}

#[cfg(test)]
mod tests;
