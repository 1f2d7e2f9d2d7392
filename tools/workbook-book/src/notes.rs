//! Teacher notes: prompts for whoever teaches a chapter, kept in the chapter itself and shown
//! folded away under it, so that a learner reading the book is not in their way.
//!
//! A chapter writes them between two HTML comments (`workbook_core::chapter::notes` reads
//! and rewrites them). While the book is built they become `<details class="teacher-notes">`,
//! closed. The book's `js/teacher.js` opens them all in the teacher view (`?teacher` in the
//! address, remembered by the browser, and a toggle in the menu bar).

use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use workbook_core::chapter::notes::{fold_notes, leave_out_notes};
use workbook_core::language::messages::{Msg, say_in};

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
