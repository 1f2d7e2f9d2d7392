//! Diagrams: a chapter draws them as text in a ```` ```svgbob ```` fence, and the book shows
//! them as SVG pictures, drawn while the book is built.
//!
//! The text stays the source: it is edited like any other line of a chapter and reads well
//! in the repository. The drawing happens in an mdBook preprocessor that runs inside the
//! runner's own build (`site.rs`), so nobody installs a plugin to read the book.
//!
//! The book's diagrams are boxes, lifelines and arrows drawn with Unicode box-drawing
//! characters (`─ │ ┌ ┼ ▶`), and words between them. That is all this draws: each line
//! character becomes strokes from its cell's centre towards the sides it joins, joined into
//! straight lines across cells, and each arrowhead a small triangle; every other character
//! is text, set as written. (The fence keeps svgbob's name: the drawings are valid svgbob,
//! which editors with an svgbob plugin preview.) What a hand easily gets wrong — an arrow
//! that stops short of its lifeline, a box with a notched corner — is found by `check.rs`.

use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

mod check;
mod draw;

pub use check::chapter_misdrawings;

use draw::figure;

/// The fence's language: ```` ```svgbob ````, as the svgbob tools and editors call it.
const LANGUAGE: &str = "svgbob";

/// The preprocessor that turns `svgbob` fences into inline SVG. A translated edition of the
/// book gives it the translations of the labels (`book/po/`); the English one, none.
#[derive(Default)]
pub struct Diagrams {
    pub labels: Labels,
}

/// Translations of diagram labels: the English label to its translation.
pub type Labels = std::collections::HashMap<String, String>;

impl Preprocessor for Diagrams {
    fn name(&self) -> &str {
        LANGUAGE
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                chapter.content = draw_translated(&chapter.content, &self.labels);
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// Replaces every `svgbob` fence of a chapter with its picture; the rest stays as it was.
#[cfg(test)]
pub fn draw_diagrams(markdown: &str) -> String {
    draw_translated(markdown, &Labels::new())
}

/// `draw_diagrams`, with the labels that have a translation in `labels` translated.
pub fn draw_translated(markdown: &str, labels: &Labels) -> String {
    let mut out = String::with_capacity(markdown.len());
    for_each_fence(markdown, |text, drawing| match drawing {
        Some((drawing, _)) => out.push_str(&figure(drawing, labels)),
        None => out.push_str(text),
    });
    out
}

/// The labels of every diagram of a chapter, each with the line it is on (from 1): the
/// messages a translation gives for the diagrams (`workbook-dev i18n extract`).
pub fn diagram_labels(markdown: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for_each_fence(markdown, |_, drawing| {
        if let Some((drawing, first_line)) = drawing {
            let (_, labels) = draw::split_labels(drawing);
            found.extend(
                labels
                    .into_iter()
                    .map(|label| (first_line + label.row, label.text)),
            );
        }
    });
    found
}

/// Walks a chapter: `visit(text, None)` for the text outside diagrams, and
/// `visit(fence, Some((drawing, line)))` for each `svgbob` fence, its drawing, and the line
/// its drawing starts on.
fn for_each_fence(markdown: &str, mut visit: impl FnMut(&str, Option<(&str, usize)>)) {
    let mut lines = markdown.split_inclusive('\n');
    let mut number = 0;
    while let Some(line) = lines.next() {
        number += 1;
        let Some(fence) = opening_fence(line) else {
            visit(line, None);
            continue;
        };
        let first_line = number + 1;
        let mut drawing = String::new();
        let mut closing = None;
        for line in lines.by_ref() {
            number += 1;
            if closes(line, &fence) {
                closing = Some(line);
                break;
            }
            drawing.push_str(line);
        }
        let Some(closing) = closing else {
            // An unclosed fence runs to the end of the chapter in Markdown; leave it as text.
            visit(line, None);
            visit(&drawing, None);
            break;
        };
        let whole = format!("{line}{drawing}{closing}");
        visit(&whole, Some((&drawing, first_line)));
    }
}

/// The fence a line opens (its backticks or tildes), if it opens an `svgbob` block.
pub(super) fn opening_fence(line: &str) -> Option<String> {
    let trimmed = line.trim_end();
    let indent = trimmed.len() - trimmed.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let text = &trimmed[indent..];
    let mark = text.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let fence: String = text.chars().take_while(|c| *c == mark).collect();
    if fence.len() < 3 {
        return None;
    }
    let info = text[fence.len()..].trim();
    (info.split_whitespace().next() == Some(LANGUAGE)).then_some(fence)
}

/// Whether a line closes a block opened by `fence`: as many of its marks or more, alone.
pub(super) fn closes(line: &str, fence: &str) -> bool {
    let text = line.trim();
    let mark = fence.chars().next().unwrap_or('`');
    text.len() >= fence.len() && text.chars().all(|c| c == mark)
}

#[cfg(test)]
mod tests;
