//! Diagrams: a chapter draws them as text in a ```` ```svgbob ```` fence, and the book shows
//! them as SVG pictures, drawn by the svgbob crate while the book is built.
//!
//! The text stays the source: it is edited like any other line of a chapter and reads well
//! in the repository. The drawing happens in an mdBook preprocessor that runs inside the
//! runner's own build (`book.rs`), so nobody installs a plugin to read the book.
//!
//! svgbob draws lines and arrows, but it would also draw some characters of the words in
//! between as shapes (`o` a circle, `(` an arc, `-` a line, `"…"` an escape). The words of
//! a diagram are bytes on the wire and calls in Rust, so they must read as written: each
//! label is cut out before svgbob sees the drawing and set as text in its place.

use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The fence's language: ```` ```svgbob ````, as the svgbob tools and editors call it.
const LANGUAGE: &str = "svgbob";

/// Width of one character cell in the picture, in CSS pixels; a cell is twice as high.
/// The book's code font is 14 px and its glyphs are 0.6 em wide, so a diagram lines up
/// with a listing beside it: 100 columns of either are equally wide.
const CELL_WIDTH: f32 = 8.4;

/// The preprocessor that turns `svgbob` fences into inline SVG.
pub struct Diagrams;

impl Preprocessor for Diagrams {
    fn name(&self) -> &str {
        LANGUAGE
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                chapter.content = draw_diagrams(&chapter.content);
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// Replaces every `svgbob` fence of a chapter with its picture; the rest stays as it was.
pub fn draw_diagrams(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut lines = markdown.split_inclusive('\n');
    while let Some(line) = lines.next() {
        let Some(fence) = opening_fence(line) else {
            out.push_str(line);
            continue;
        };
        let mut drawing = String::new();
        let mut closed = false;
        for line in lines.by_ref() {
            if closes(line, &fence) {
                closed = true;
                break;
            }
            drawing.push_str(line);
        }
        if !closed {
            // An unclosed fence runs to the end of the chapter in Markdown; leave it as text.
            out.push_str(line);
            out.push_str(&drawing);
            break;
        }
        out.push_str(&figure(&drawing));
    }
    out
}

/// The fence a line opens (its backticks or tildes), if it opens an `svgbob` block.
fn opening_fence(line: &str) -> Option<String> {
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
fn closes(line: &str, fence: &str) -> bool {
    let text = line.trim();
    let mark = fence.chars().next().unwrap_or('`');
    text.len() >= fence.len() && text.chars().all(|c| c == mark)
}

/// One diagram as an HTML figure holding its SVG.
///
/// Colours and fonts are left to the book's stylesheet (`book/css/diagrams.css`), so a
/// picture follows the reader's theme, light or dark. The figure is one HTML block for
/// Markdown, which ends an HTML block at the first blank line, so the SVG has none.
fn figure(drawing: &str) -> String {
    let (lines, labels) = split_labels(drawing);
    let columns = drawing
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let rows = drawing.lines().count();
    let width = (columns + 1) as f32 * CELL_WIDTH;
    let height = (rows + 1) as f32 * 2.0 * CELL_WIDTH;
    let settings = svgbob::Settings {
        scale: CELL_WIDTH,
        include_backdrop: false,
        include_styles: false,
        ..svgbob::Settings::default()
    };
    let svg = svgbob::to_svg_with_override_size(&lines, &settings, width, height);
    // A viewBox lets the picture shrink to a narrow column instead of being cut off.
    let svg = svg.replacen(
        "<svg",
        &format!("<svg viewBox=\"0 0 {width:.1} {height:.1}\""),
        1,
    );
    let Some(end) = svg.rfind("</svg>") else {
        return format!("<pre>{}</pre>\n", escape(drawing));
    };
    let mut html = String::from("<figure class=\"diagram\">\n");
    let drawn = svg[..end].lines().map(str::trim).filter(|l| !l.is_empty());
    for line in drawn {
        html.push_str(line);
        html.push('\n');
    }
    for label in &labels {
        // Where svgbob sets its own text: a quarter cell in, three quarters down.
        let x = (label.column as f32 + 0.25) * CELL_WIDTH;
        let y = (label.row as f32 * 2.0 + 1.5) * CELL_WIDTH;
        html.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\">{}</text>\n",
            escape(&label.text)
        ));
    }
    html.push_str("</svg>\n</figure>\n");
    html
}

/// Words shown as written, at their row and column of the drawing.
#[derive(Debug, PartialEq)]
struct Label {
    row: usize,
    column: usize,
    text: String,
}

/// Splits a drawing into its lines (the labels blanked out) and its labels.
fn split_labels(drawing: &str) -> (String, Vec<Label>) {
    let mut lines = String::with_capacity(drawing.len());
    let mut labels = Vec::new();
    for (row, line) in drawing.lines().enumerate() {
        let mut chars: Vec<char> = line.chars().collect();
        for (start, end) in label_spans(&chars) {
            labels.push(Label {
                row,
                column: start,
                text: chars[start..end].iter().collect(),
            });
            chars[start..end].fill(' ');
        }
        lines.extend(chars);
        lines.push('\n');
    }
    (lines, labels)
}

/// Where the labels of one line are. A label is a run of words one space apart, with a
/// letter or a digit in it, between line characters or wider gaps. So a diagram draws its
/// lines with box-drawing characters (`─ │ ┌ ▶`); ASCII ones (`-`, `|`, `+--`) are drawn
/// where they stand apart from words.
fn label_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' || is_line(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let goes_on = |i: usize| {
            let next = chars.get(i + 1);
            !is_line(chars[i])
                && (chars[i] != ' ' || next.is_some_and(|c| *c != ' ' && !is_line(*c)))
        };
        while i < chars.len() && goes_on(i) {
            i += 1;
        }
        if chars[start..i].iter().any(|c| c.is_alphanumeric()) {
            spans.push((start, i));
        }
    }
    spans
}

/// Box-drawing characters and geometric shapes (arrowheads): the lines of a diagram.
fn is_line(c: char) -> bool {
    ('\u{2500}'..='\u{25FF}').contains(&c)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_svgbob_fences_and_leaves_other_blocks_alone() {
        let chapter = "# T\n\n```svgbob\n+--+\n|  |--->\n+--+\n```\n\n```text\n+--+\n```\n";
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
        assert!(
            figure.contains("<line") || figure.contains("<path"),
            "{figure}"
        );
    }

    #[test]
    fn labels_are_set_as_written_and_lines_are_drawn() {
        let drawing = "│── 00 2b {\"id\":1} ──▶│ read_until('\\n') → \"hi\"\n";
        let (lines, labels) = split_labels(drawing);
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
        let html = figure(drawing);
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
        assert_eq!(texts, ["client", "a-b", "POST /", "(x)"]);
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
    fn an_unclosed_fence_stays_text() {
        let chapter = "a\n```svgbob\n+--+\n";
        assert_eq!(draw_diagrams(chapter), chapter);
    }
}
