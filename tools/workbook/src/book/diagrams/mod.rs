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
mod tests {
    use super::draw::{Label, arrowheads, centre, label_spans, split_labels, strokes};
    use super::*;

    #[test]
    fn draws_svgbob_fences_and_leaves_other_blocks_alone() {
        let chapter = "# T\n\n```svgbob\n┌──┐\n│  │──▶\n└──┘\n```\n\n```text\n+--+\n```\n";
        let drawn = draw_diagrams(chapter);
        assert!(
            drawn.starts_with("# T\n\n<figure class=\"diagram\">\n<svg"),
            "{drawn}"
        );
        assert!(
            drawn.ends_with("</figure>\n\n```text\n+--+\n```\n"),
            "{drawn}"
        );
        let figure = &drawn[drawn.find("<figure").unwrap()..drawn.find("</figure>").unwrap()];
        assert!(
            !figure.contains("\n\n"),
            "a blank line would end the HTML block"
        );
        assert!(figure.contains("<line"), "{figure}");
        assert!(figure.contains("<polygon class=\"filled\""), "{figure}");
    }

    #[test]
    fn labels_are_set_as_written_and_lines_are_drawn() {
        let drawing = "│── 00 2b {\"id\":1} ──▶│ read_until('\\n') → \"hi\"\n";
        let (grid, labels) = split_labels(drawing);
        let lines: String = grid[0].iter().collect();
        assert_eq!(lines.trim_end(), format!("│──{}──▶│", " ".repeat(16)));
        assert_eq!(
            labels,
            [
                Label {
                    row: 0,
                    column: 4,
                    text: "00 2b {\"id\":1}".into()
                },
                Label {
                    row: 0,
                    column: 24,
                    text: "read_until('\\n') → \"hi\"".into()
                },
            ]
        );
        let html = figure(drawing, &Labels::new());
        assert!(
            html.contains("<text x=\"35.7\" y=\"12.6\">00 2b {\"id\":1}</text>"),
            "{html}"
        );
        assert!(html.contains("viewBox=\"0 0 "), "{html}");
    }

    #[test]
    fn labels_stop_at_line_characters_and_wide_gaps() {
        let chars: Vec<char> = "|  client  |  +-->  a-b│POST /  (x)".chars().collect();
        let spans = label_spans(&chars);
        let texts: Vec<String> = spans
            .iter()
            .map(|&(start, end)| chars[start..end].iter().collect())
            .collect();
        assert_eq!(texts, ["|", "client", "|", "+-->", "a-b", "POST /", "(x)"]);
    }

    #[test]
    fn neighbouring_cells_join_into_one_stroke() {
        let grid: Vec<Vec<char>> = ["┌──┐", "└──┘"]
            .iter()
            .map(|l| l.chars().collect())
            .collect();
        let strokes = strokes(&grid);
        let ((left, top), (right, bottom)) = (centre(0, 0), centre(1, 3));
        assert_eq!(strokes.len(), 4, "{strokes:?}");
        for side in [
            [left, top, right, top],
            [left, bottom, right, bottom],
            [left, top, left, bottom],
            [right, top, right, bottom],
        ] {
            assert!(strokes.contains(&side), "{side:?} in {strokes:?}");
        }
    }

    #[test]
    fn an_arrow_ends_on_the_lifeline_it_points_at() {
        let grid: Vec<Vec<char>> = ["│──▶│"].iter().map(|l| l.chars().collect()).collect();
        let (arrow, lifeline) = (centre(0, 3), centre(0, 4));
        assert_eq!(
            strokes(&grid)[0],
            [centre(0, 0).0, arrow.1, arrow.0, arrow.1]
        );
        let [_, tip, _] = arrowheads(&grid)[0];
        assert_eq!(tip, lifeline, "the tip touches the line");
    }

    #[test]
    fn reads_fences_as_markdown_does() {
        assert_eq!(opening_fence("```svgbob\n"), Some("```".into()));
        assert_eq!(
            opening_fence("  ~~~~ svgbob {.wide}\n"),
            Some("~~~~".into())
        );
        assert_eq!(opening_fence("```text\n"), None);
        assert_eq!(
            opening_fence("    ```svgbob\n"),
            None,
            "indented code, not a fence"
        );
        assert_eq!(opening_fence("``svgbob\n"), None);
        assert!(closes("````\n", "```"));
        assert!(!closes("``\n", "```"));
        assert!(!closes("~~~\n", "```"));
    }

    #[test]
    fn wide_characters_take_two_cells_so_boxes_fit_them() {
        // As a terminal shows it: 服务注册 is 8 cells wide, and so is the box's inside.
        let drawing = "┌──────────┐\n│ 服务注册 │\n└──────────┘\n";
        let (grid, labels) = split_labels(drawing);
        assert_eq!(grid[1].len(), 12, "{:?}", grid[1]);
        assert_eq!(grid[1][11], '│', "the right side lines up with the corners");
        assert_eq!(labels[0].text, "服务注册");
        let html = figure(drawing, &Labels::new());
        assert!(
            html.contains("textLength=\"63.0\">服务注册</text>"),
            "{html}"
        );
    }

    #[test]
    fn translated_labels_take_the_english_label_s_place() {
        let labels = Labels::from([
            ("client".to_string(), "客户端".to_string()),
            ("server".to_string(), "一个很长的服务端名字".to_string()),
        ]);
        let drawn = draw_translated("```svgbob\n│ client │ server │\n```\n", &labels);
        // 客户端 is 6 cells, as wide as `client`: set at its own width.
        assert!(
            drawn.contains("<text x=\"18.9\" y=\"12.6\" textLength=\"46.2\">客户端</text>"),
            "{drawn}"
        );
        // Wider than `server`: narrowed to its six cells.
        assert!(
            drawn.contains(
                "textLength=\"46.2\" lengthAdjust=\"spacingAndGlyphs\">一个很长的服务端名字</text>"
            ),
            "{drawn}"
        );
        assert_eq!(
            diagram_labels("# T\n\n```svgbob\n│ client │\n\n  server\n```\n"),
            [(4, "client".to_string()), (6, "server".to_string())]
        );
    }

    #[test]
    fn an_unclosed_fence_stays_text() {
        let chapter = "a\n```svgbob\n+--+\n";
        assert_eq!(draw_diagrams(chapter), chapter);
    }
}
