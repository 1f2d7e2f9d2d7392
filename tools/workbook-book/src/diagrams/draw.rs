//! Drawing one diagram: the text grid read as strokes joined along rows and down columns,
//! arrowheads, and the labels between them, written out as SVG.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Width of one character cell in the picture, in CSS pixels; a cell is twice as high.
/// The book's code font is 14 px and its glyphs are 0.6 em wide, so a diagram lines up
/// with a listing beside it: 100 columns of either are equally wide.
pub(super) const CELL_WIDTH: f32 = 8.4;

/// One diagram as an HTML figure holding its SVG.
///
/// Colours and fonts are left to the book's stylesheet (`book/css/diagrams.css`), so a
/// picture follows the reader's theme, light or dark. The figure is one HTML block for
/// Markdown, which ends an HTML block at the first blank line, so the SVG has none.
///
/// A label with a translation in `labels` is shown translated, at the English label's place;
/// one that is wider than the English is narrowed to its width, so that it stays inside its
/// box. East Asian wide characters take two cells, as in a terminal: `textLength` holds such
/// a label to its cells, whatever the width of the font's glyphs.
pub(super) fn figure(drawing: &str, labels_translated: &super::Labels) -> String {
    let (grid, labels) = split_labels(drawing);
    let columns = grid.iter().map(Vec::len).max().unwrap_or(0);
    let width = (columns + 1) as f32 * CELL_WIDTH;
    let height = (grid.len() + 1) as f32 * CELL_HEIGHT;
    let mut html = format!(
        "<figure class=\"diagram\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{width:.1}\" height=\"{height:.1}\" viewBox=\"0 0 {width:.1} {height:.1}\">\n"
    );
    for [x1, y1, x2, y2] in strokes(&grid) {
        html.push_str(&format!(
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\"/>\n"
        ));
    }
    for points in arrowheads(&grid) {
        let points: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        html.push_str(&format!(
            "<polygon class=\"filled\" points=\"{}\"/>\n",
            points.join(" ")
        ));
    }
    for label in &labels {
        // A quarter of a cell in, three quarters down: where the text's baseline sits.
        let x = (label.column as f32 + 0.25) * CELL_WIDTH;
        let y = (label.row as f32 + 0.75) * CELL_HEIGHT;
        let text = labels_translated.get(&label.text).unwrap_or(&label.text);
        let (cells, room) = (text.width(), label.text.width());
        let length = if cells > room {
            format!(
                " textLength=\"{:.1}\" lengthAdjust=\"spacingAndGlyphs\"",
                (room as f32 - 0.5) * CELL_WIDTH
            )
        } else if cells > text.chars().count() {
            format!(" textLength=\"{:.1}\"", (cells as f32 - 0.5) * CELL_WIDTH)
        } else {
            String::new()
        };
        html.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\"{length}>{}</text>\n",
            escape(text)
        ));
    }
    html.push_str("</svg>\n</figure>\n");
    html
}

/// Height of a character cell: twice its width, as a terminal's.
pub(super) const CELL_HEIGHT: f32 = 2.0 * CELL_WIDTH;

/// The sides of its cell a line character joins: up, right, down, left.
pub(super) fn arms(c: char) -> Option<[bool; 4]> {
    Some(match c {
        '─' => [false, true, false, true],
        '│' => [true, false, true, false],
        '┌' => [false, true, true, false],
        '┐' => [false, false, true, true],
        '└' => [true, true, false, false],
        '┘' => [true, false, false, true],
        '├' => [true, true, true, false],
        '┤' => [true, false, true, true],
        '┬' => [false, true, true, true],
        '┴' => [true, true, false, true],
        '┼' => [true, true, true, true],
        // An arrowhead joins the line it ends, on its back.
        '▶' => [false, false, false, true],
        '◀' => [false, true, false, false],
        '▲' => [false, false, true, false],
        '▼' => [true, false, false, false],
        // A cross (a connection that failed) stands alone.
        '╳' => [false; 4],
        _ => return None,
    })
}

/// Whether the picture draws a character (the rest is text).
pub(super) fn is_line(c: char) -> bool {
    arms(c).is_some()
}

/// The centre of a cell, in pixels.
pub(super) fn centre(row: usize, column: usize) -> (f32, f32) {
    (
        (column as f32 + 0.5) * CELL_WIDTH,
        (row as f32 + 0.5) * CELL_HEIGHT,
    )
}

/// Every line of the picture as `[x1, y1, x2, y2]`: the arms of neighbouring cells joined
/// into one stroke along a row or a column, and each cross's two diagonals.
pub(super) fn strokes(grid: &[Vec<char>]) -> Vec<[f32; 4]> {
    let at = |row: usize, column: usize| grid.get(row).and_then(|r| r.get(column)).copied();
    let rows = grid.len();
    let columns = grid.iter().map(Vec::len).max().unwrap_or(0);
    let mut strokes = Vec::new();
    // Along each row, left (arm 3) to right (arm 1).
    let along_rows = runs(rows, columns, [3, 1], CELL_WIDTH, |row, column| {
        at(row, column).and_then(arms)
    });
    for (row, x1, x2) in along_rows {
        let y = centre(row, 0).1;
        strokes.push([x1, y, x2, y]);
    }
    // Down each column, up (arm 0) to down (arm 2).
    let along_columns = runs(columns, rows, [0, 2], CELL_HEIGHT, |column, row| {
        at(row, column).and_then(arms)
    });
    for (column, y1, y2) in along_columns {
        let x = centre(0, column).0;
        strokes.push([x, y1, x, y2]);
    }
    for (row, cells) in grid.iter().enumerate() {
        for (column, _) in cells.iter().enumerate().filter(|(_, c)| **c == '╳') {
            let (x, y) = centre(row, column);
            let d = CELL_WIDTH / 2.0;
            strokes.push([x - d, y - d, x + d, y + d]);
            strokes.push([x - d, y + d, x + d, y - d]);
        }
    }
    strokes
}

/// The strokes along one direction, each as (line, from, to): `lines` lines of `length`
/// cells (rows or columns), `cell(line, i)` the arms of a cell, `[back, forward]` the arms
/// that point along the direction, `step` a cell's size in it. A run of cells joined to one
/// another is one stroke; an arm that points at no neighbour reaches the edge of its cell,
/// or the middle of the next one where a line runs across it there (`│──`).
pub(super) fn runs(
    lines: usize,
    length: usize,
    [back, forward]: [usize; 2],
    step: f32,
    cell: impl Fn(usize, usize) -> Option<[bool; 4]>,
) -> Vec<(usize, f32, f32)> {
    let arm = |line, i, side: usize| cell(line, i).is_some_and(|arms| arms[side]);
    let crossed_at = |line, i| arm(line, i, (back + 1) % 4) || arm(line, i, (back + 3) % 4);
    let reach = |line, i| {
        if crossed_at(line, i) {
            step
        } else {
            step / 2.0
        }
    };
    let mut runs = Vec::new();
    for line in 0..lines {
        let mut start = None;
        for i in 0..=length {
            let middle = (i as f32 + 0.5) * step;
            if start.is_none() {
                if arm(line, i, back) {
                    let reach = i
                        .checked_sub(1)
                        .map_or(step / 2.0, |before| reach(line, before));
                    start = Some(middle - reach);
                } else if arm(line, i, forward) {
                    start = Some(middle);
                }
            }
            let Some(from) = start else { continue };
            if !arm(line, i, forward) {
                runs.push((line, from, middle));
                start = None;
            } else if !arm(line, i + 1, back) {
                runs.push((line, from, middle + reach(line, i + 1)));
                start = None;
            }
        }
    }
    runs
}

/// Every arrowhead as the three corners of a triangle, its tip on the far side of its cell
/// or, where a lifeline stands in the next cell (`──▶│`), on that line.
pub(super) fn arrowheads(grid: &[Vec<char>]) -> Vec<[(f32, f32); 3]> {
    let (length, half_base) = (CELL_WIDTH, CELL_WIDTH / 2.0);
    let crossed = |row: usize, column: usize| {
        let next = grid.get(row).and_then(|r| r.get(column)).copied();
        next.and_then(arms)
            .is_some_and(|[up, _, down, _]| up || down)
    };
    let mut heads = Vec::new();
    for (row, cells) in grid.iter().enumerate() {
        for (column, c) in cells.iter().enumerate() {
            let (mut x, y) = centre(row, column);
            let (dx, dy) = match c {
                '▶' => (1.0, 0.0),
                '◀' => (-1.0, 0.0),
                '▲' => (0.0, -1.0),
                '▼' => (0.0, 1.0),
                _ => continue,
            };
            let next = if dx > 0.0 {
                column.checked_add(1)
            } else {
                column.checked_sub(1)
            };
            if dx != 0.0 && next.is_some_and(|next| crossed(row, next)) {
                x += dx * CELL_WIDTH / 2.0;
            }
            let tip = (x + dx * length / 2.0, y + dy * length / 2.0);
            let base = (x - dx * length / 2.0, y - dy * length / 2.0);
            heads.push([
                (base.0 - dy * half_base, base.1 - dx * half_base),
                tip,
                (base.0 + dy * half_base, base.1 + dx * half_base),
            ]);
        }
    }
    heads
}

/// Words shown as written, at their row and column of the drawing.
#[derive(Debug, PartialEq)]
pub(super) struct Label {
    pub(super) row: usize,
    pub(super) column: usize,
    pub(super) text: String,
}

/// Splits a drawing into its grid of line characters (the labels blanked out) and its
/// labels.
pub(super) fn split_labels(drawing: &str) -> (Vec<Vec<char>>, Vec<Label>) {
    let mut grid = Vec::new();
    let mut labels = Vec::new();
    for (row, line) in drawing.lines().enumerate() {
        let mut chars = cells(line);
        for (start, end) in label_spans(&chars) {
            labels.push(Label {
                row,
                column: start,
                text: chars[start..end].iter().filter(|c| **c != WIDE).collect(),
            });
            chars[start..end].fill(' ');
        }
        grid.push(chars);
    }
    (grid, labels)
}

/// What fills the second cell of a wide character in the grid.
const WIDE: char = '\u{0}';

/// A line's cells: a character each, and two for an East Asian wide one (`服`), as a
/// terminal or an editor shows it, so that a box drawn around Chinese words fits them.
fn cells(line: &str) -> Vec<char> {
    let mut cells = Vec::with_capacity(line.len());
    for c in line.chars() {
        cells.push(c);
        if c.width() == Some(2) {
            cells.push(WIDE);
        }
    }
    cells
}

/// Where the labels of one line are. A label is a run of characters one space apart,
/// between line characters or wider gaps.
pub(super) fn label_spans(chars: &[char]) -> Vec<(usize, usize)> {
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
        spans.push((start, i));
    }
    spans
}

pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
