//! Misdrawings: the slips of a drawing made by hand that the picture shows but the text
//! hides, found on the character grid the picture is drawn from.
//!
//! Three rules, each about one cell and its neighbours:
//!
//! - An arrowhead sits on its shaft: the cell behind it holds a line that joins it (`─▶`),
//!   never a space or a word (` ▶`, a head floating after its label).
//! - In a drawing with lifelines or boxes (vertical lines two cells long at least), an
//!   arrowhead touches what it points at: the next cell in its direction holds a line across
//!   its path (a lifeline or a box's side, two cells long at least: `──▶│`), or the head is
//!   set into a box's top or bottom edge (`──▲──`), or it points along a row at words (`──▶ queue`) or at
//!   a refused connection (`──▶╳`). An arrow that stops short (`──▶ │`), overwrites the
//!   lifeline it means (`──▶` where the `│` should be) or ends on a stray mark misses. (In a
//!   list or a timeline, arrows point at columns of words, and are left alone.)
//! - A corner or a junction (`┌ ┐ └ ┘ ├ ┤ ┬ ┴ ┼`) is closed: each of its arms meets a line
//!   that joins it back. An arm may also meet words: a title set into a box's edge after
//!   one space (`┌ Person ───┐`), a bracket under a label (`└─ prefix ─┘`). A bracket's end
//!   may point up or down at nothing; any other arm that meets empty space is a notch, and
//!   so is a corner whose side stands one column off (`──┐` over ` │`).
//!
//! `verify` runs this over every diagram of the book (`bookcheck::check_diagrams`), and so
//! does a test, so a diagram that is misdrawn fails before a reader sees it.

use super::draw::arms;
use super::{closes, opening_fence};

/// One slip in a chapter, at its 1-based line and column (in characters).
#[derive(Debug, PartialEq, Eq)]
pub struct Misdrawing {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every misdrawing of every diagram in a chapter, with lines counted in the chapter.
pub fn chapter_misdrawings(markdown: &str) -> Vec<Misdrawing> {
    let mut found = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let Some(fence) = opening_fence(line) else {
            continue;
        };
        let mut drawing = Vec::new();
        let mut first = None;
        for (index, line) in lines.by_ref() {
            if closes(line, &fence) {
                break;
            }
            first.get_or_insert(index);
            drawing.push(line);
        }
        let Some(first) = first else { continue };
        found.extend(
            misdrawings(&drawing.join("\n"))
                .into_iter()
                .map(|slip| Misdrawing {
                    line: first + slip.line,
                    ..slip
                }),
        );
    }
    found
}

/// The misdrawings of one drawing, lines and columns counted from 1.
pub fn misdrawings(drawing: &str) -> Vec<Misdrawing> {
    let grid: Vec<Vec<char>> = drawing.lines().map(|l| l.chars().collect()).collect();
    let at = |row: isize, column: isize| -> char {
        if row < 0 || column < 0 {
            return ' ';
        }
        let cell = grid.get(row as usize).and_then(|r| r.get(column as usize));
        cell.copied().unwrap_or(' ')
    };
    // Whether the cell at (row, column) has its arm `side` (up, right, down, left) and the
    // neighbour on that side has the arm that joins it back.
    let joined = |row: isize, column: isize, side: usize| {
        let (dr, dc) = STEPS[side];
        let has = |r, c, s| arms(at(r, c)).is_some_and(|a: [bool; 4]| a[s]);
        has(row, column, side) && has(row + dr, column + dc, (side + 2) % 4)
    };
    let is_text = |c: char| c != ' ' && arms(c).is_none();
    // Lifelines or boxes' sides. A drawing without them (a list, a timeline) has arrows
    // that point at columns of words, and those are not checked.
    let has_vertical_lines = (0..grid.len())
        .any(|row| (0..grid[row].len()).any(|column| joined(row as isize, column as isize, 2)));

    let mut found = Vec::new();
    for (row, cells) in grid.iter().enumerate() {
        for (column, &c) in cells.iter().enumerate() {
            let (r, col) = (row as isize, column as isize);
            let mut report = |message: String| {
                found.push(Misdrawing {
                    line: row + 1,
                    column: column + 1,
                    message,
                })
            };
            if let Some(side) = ARROWHEADS.iter().position(|head| *head == c) {
                let back = (side + 2) % 4;
                if !joined(r, col, back) {
                    let (br, bc) = (r + STEPS[back].0, col + STEPS[back].1);
                    report(format!(
                        "the arrowhead {c} has no shaft: `{}` stands behind it",
                        at(br, bc)
                    ));
                }
                if !has_vertical_lines {
                    continue;
                }
                let (dr, dc) = STEPS[side];
                let (next, beyond) = (at(r + dr, col + dc), at(r + 2 * dr, col + 2 * dc));
                // The two sides at right angles to the arrow's path.
                let across = [(side + 1) % 4, (side + 3) % 4];
                // A line across the path, two cells long at least: `──▶│`.
                let touches_line = across.iter().any(|&s| joined(r + dr, col + dc, s));
                // An up or down head set into a box's top or bottom edge, its tip on it:
                // `──▲──`. (A head set into an upright line is one drawn over a lifeline.)
                let in_an_edge = dr != 0
                    && across.iter().all(|&s| {
                        let (er, ec) = (r + STEPS[s].0, col + STEPS[s].1);
                        arms(at(er, ec)).is_some_and(|a| a[(s + 2) % 4])
                    });
                // Words it points at, along a row (`─▶ queue`), or a refused connection (`▶╳`).
                let meets_words = dc != 0 && (is_text(next) || (next == ' ' && is_text(beyond)));
                if !(touches_line || in_an_edge || meets_words || next == '╳') {
                    report(format!(
                        "the arrowhead {c} touches no lifeline or box: `{next}` follows it"
                    ));
                }
            } else if JUNCTIONS.contains(&c) {
                let sides = arms(c).unwrap_or_default();
                for side in (0..4).filter(|&s| sides[s] && !joined(r, col, s)) {
                    let (dr, dc) = STEPS[side];
                    let next = at(r + dr, col + dc);
                    let beyond = at(r + 2 * dr, col + 2 * dc);
                    // Words the arm points at: a bracket's label, or a title in an edge
                    // after one space.
                    let meets_words = is_text(next) || (next == ' ' && dc != 0 && is_text(beyond));
                    // A bracket's end may stand over or under nothing; a box's corner may
                    // not, and its side, one column off, gives it away.
                    let upright = |c: char| arms(c).is_some_and(|a| a[0] || a[2]);
                    let side_off_by_one = dr != 0
                        && next == ' '
                        && (upright(at(r + dr, col - 1)) || upright(at(r + dr, col + 1)));
                    let open = !(meets_words || (dr != 0 && next == ' ' && !side_off_by_one));
                    if open {
                        report(format!(
                            "the corner {c} is open {}: `{next}` does not join it",
                            SIDE_NAMES[side]
                        ));
                    }
                }
            }
        }
    }
    found
}

/// The arrowheads, indexed by the side they point to.
const ARROWHEADS: [char; 4] = ['▲', '▶', '▼', '◀'];
const JUNCTIONS: [char; 9] = ['┌', '┐', '└', '┘', '├', '┤', '┬', '┴', '┼'];
/// Up, right, down, left: a step to the neighbour on that side, as (rows, columns).
const STEPS: [(isize, isize); 4] = [(-1, 0), (0, 1), (1, 0), (0, -1)];
const SIDE_NAMES: [&str; 4] = ["upwards", "to the right", "downwards", "to the left"];

#[cfg(test)]
mod tests {
    use super::*;

    fn found(drawing: &str) -> Vec<(usize, usize, String)> {
        misdrawings(drawing)
            .into_iter()
            .map(|m| (m.line, m.column, m.message))
            .collect()
    }

    #[test]
    fn a_well_drawn_diagram_passes() {
        let drawing = "\
 client        server
   │              │
   │── hello ────▶│ reads
   │◀──── hi ─────│
   │── ping ──▶╳  │ refused
 ┌─┴──┐  ┌ title ─┴┐
 │ a  ├─▶│ b       ├──▶ words
 └────┘  └───▲─────┘
   ▲ from    │
   │ below   │
 00 01 02 03
 └─ bytes ─┘
";
        assert_eq!(found(drawing), []);
        // A timeline has no lifelines: its arrows point at columns, and marks are ticks.
        assert_eq!(found("start ──▶│◀── a span ──▶│\n  t0  ──▶\n"), []);
    }

    #[test]
    fn an_arrow_that_misses_its_lifeline_is_found() {
        let drawing = "\
   │        │
   │── a ─▶ │
   │── b ───▶
   │        │
   │        │── d ─▶│
   │── e ▶  │
";
        let missed =
            |c: char| format!("the arrowhead ▶ touches no lifeline or box: `{c}` follows it");
        assert_eq!(
            found(drawing),
            [
                // Short of the lifeline, and in its place.
                (2, 11, missed(' ')),
                (3, 13, missed(' ')),
                // A mark alone is not a lifeline.
                (5, 20, missed('│')),
                (
                    6,
                    10,
                    "the arrowhead ▶ has no shaft: ` ` stands behind it".to_string()
                ),
                (6, 10, missed(' ')),
            ]
        );
    }

    #[test]
    fn a_notched_corner_is_found() {
        let drawing = "\
┌──────┐   ┌─────┐
│      │   │      │
└───── ┘   └──────┘
";
        assert_eq!(
            found(drawing),
            [
                // The top edge one column short: the side stands one column off.
                (
                    1,
                    18,
                    "the corner ┐ is open downwards: ` ` does not join it".to_string()
                ),
                (
                    3,
                    8,
                    "the corner ┘ is open to the left: ` ` does not join it".to_string()
                ),
            ]
        );
    }

    #[test]
    fn lines_are_counted_in_the_chapter() {
        let chapter = "# T\n\ntext\n```svgbob\n┌──┐\n└─ ┘\n```\n\n```text\n└ ┘\n```\n";
        assert_eq!(
            chapter_misdrawings(chapter),
            [Misdrawing {
                line: 6,
                column: 4,
                message: "the corner ┘ is open to the left: ` ` does not join it".into()
            }]
        );
    }
}
