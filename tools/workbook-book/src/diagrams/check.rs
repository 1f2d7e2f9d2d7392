//! Misdrawings: the slips of a drawing made by hand that the picture shows but the text
//! hides, found on the character grid the picture is drawn from.
//!
//! Three rules, each about one cell and its neighbours:
//!
//! - An arrowhead sits on its shaft: the cell behind it holds a line that joins it (`─▶`),
//!   never a space or a word (` ▶`, a head floating after its label).
//! - In a drawing with lifelines or boxes (vertical lines two cells long at least), an
//!   arrowhead touches what it points at: the next cell in its direction holds a line
//!   across its path (a lifeline or a box's side, two cells long at least: `──▶│`), or the
//!   head is set into a box's top or bottom edge (`──▲──`), or it points along a row at
//!   words (`──▶ queue`) or at a refused connection (`──▶╳`). An arrow that stops short
//!   (`──▶ │`), overwrites the lifeline it means (`──▶` where the `│` should be) or ends on
//!   a stray mark misses. (In a list or a timeline, arrows point at columns of words, and
//!   are left alone.)
//! - A corner or a junction (`┌ ┐ └ ┘ ├ ┤ ┬ ┴ ┼`) is closed: each of its arms meets a line
//!   that joins it back. An arm may also meet words: a title set into a box's edge after
//!   one space (`┌ Person ───┐`), a bracket under a label (`└─ prefix ─┘`). A bracket's end
//!   may point up or down at nothing; any other arm that meets empty space is a notch, and
//!   so is a corner whose side stands one column off (`──┐` over ` │`).
//!
//! `verify` runs this over every diagram of the book (`bookcheck::check_diagrams`), and so
//! does a test, so a diagram that is misdrawn fails before a reader sees it.

use super::draw::arms;
use super::for_each_fence;

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
    for_each_fence(markdown, |_, drawing| {
        if let Some((drawing, first_line)) = drawing {
            found.extend(misdrawings(drawing).into_iter().map(|slip| Misdrawing {
                line: first_line - 1 + slip.line,
                ..slip
            }));
        }
    });
    found
}

/// The misdrawings of one drawing, lines and columns counted from 1.
pub fn misdrawings(drawing: &str) -> Vec<Misdrawing> {
    let grid = Grid(drawing.lines().map(|l| l.chars().collect()).collect());
    // Lifelines or boxes' sides. A drawing without them (a list, a timeline) has arrows
    // that point at columns of words, and where those point is not checked.
    let has_vertical_lines = grid.cells().any(|(cell, _)| grid.joined(cell, DOWN));
    let mut found = Vec::new();
    for (cell, c) in grid.cells() {
        let slips = if let Some(side) = ARROWHEADS.iter().position(|head| *head == c) {
            arrowhead_slips(&grid, cell, side, has_vertical_lines)
        } else if JUNCTIONS.contains(&c) {
            corner_slips(&grid, cell)
        } else {
            Vec::new()
        };
        found.extend(slips.into_iter().map(|message| Misdrawing {
            line: cell.0 as usize + 1,
            column: cell.1 as usize + 1,
            message,
        }));
    }
    found
}

/// What is wrong with the arrowhead at `cell`, which points to `side`.
fn arrowhead_slips(grid: &Grid, cell: Cell, side: usize, has_vertical_lines: bool) -> Vec<String> {
    let head = grid.at(cell);
    let mut slips = Vec::new();
    let back = opposite(side);
    if !grid.joined(cell, back) {
        let behind = grid.at(step(cell, back));
        slips.push(format!(
            "the arrowhead {head} has no shaft: `{behind}` stands behind it"
        ));
    }
    if !has_vertical_lines {
        return slips;
    }
    let (next, beyond) = (step(cell, side), step(step(cell, side), side));
    let along_a_row = side == RIGHT || side == LEFT;
    // The two sides at right angles to the arrow's path.
    let across = [(side + 1) % 4, (side + 3) % 4];
    // A line across the path, two cells long at least: `──▶│`.
    let touches_line = across.iter().any(|&s| grid.joined(next, s));
    // An up or down head set into a box's top or bottom edge, its tip on it: `──▲──`. (A
    // head set into an upright line is one drawn over a lifeline.)
    let in_an_edge = !along_a_row
        && across
            .iter()
            .all(|&s| arms(grid.at(step(cell, s))).is_some_and(|a| a[opposite(s)]));
    // Words it points at along a row (`─▶ queue`), or a refused connection (`▶╳`).
    let meets_words = along_a_row && grid.words_at(next, beyond);
    if !(touches_line || in_an_edge || meets_words || grid.at(next) == '╳') {
        let next = grid.at(next);
        slips.push(format!(
            "the arrowhead {head} touches no lifeline or box: `{next}` follows it"
        ));
    }
    slips
}

/// The arms of the corner or junction at `cell` that are left open.
fn corner_slips(grid: &Grid, cell: Cell) -> Vec<String> {
    let corner = grid.at(cell);
    let sides = arms(corner).unwrap_or_default();
    let mut slips = Vec::new();
    for side in (0..4).filter(|&s| sides[s] && !grid.joined(cell, s)) {
        let next = step(cell, side);
        let upright = side == UP || side == DOWN;
        // Words the arm points at: a bracket's label, or (along a row) a title in an edge
        // after one space.
        let meets_words = if upright {
            is_text(grid.at(next))
        } else {
            grid.words_at(next, step(next, side))
        };
        // A bracket's end may stand over or under nothing; a box's corner may not, and its
        // side, one column off, gives it away.
        let is_upright_line = |cell| arms(grid.at(cell)).is_some_and(|a| a[UP] || a[DOWN]);
        let side_off_by_one =
            is_upright_line(step(next, LEFT)) || is_upright_line(step(next, RIGHT));
        let bracket_end = upright && grid.at(next) == ' ' && !side_off_by_one;
        if !(meets_words || bracket_end) {
            let name = SIDE_NAMES[side];
            let next = grid.at(next);
            slips.push(format!(
                "the corner {corner} is open {name}: `{next}` does not join it"
            ));
        }
    }
    slips
}

/// A drawing's characters by row and column; outside it, everything is a space.
struct Grid(Vec<Vec<char>>);

/// A (row, column) of the grid, counted from 0, which may lie outside it.
type Cell = (isize, isize);

impl Grid {
    fn at(&self, (row, column): Cell) -> char {
        let row = usize::try_from(row).ok().and_then(|row| self.0.get(row));
        let cell = usize::try_from(column).ok().and_then(|c| row?.get(c));
        cell.copied().unwrap_or(' ')
    }

    /// Every cell and its character, row by row.
    fn cells(&self) -> impl Iterator<Item = (Cell, char)> + '_ {
        self.0.iter().enumerate().flat_map(|(row, chars)| {
            let row = row as isize;
            chars
                .iter()
                .enumerate()
                .map(move |(column, c)| ((row, column as isize), *c))
        })
    }

    /// Whether the character at `cell` has its arm `side` and its neighbour on that side
    /// the arm that joins it back.
    fn joined(&self, cell: Cell, side: usize) -> bool {
        let has = |cell, side| arms(self.at(cell)).is_some_and(|a| a[side]);
        has(cell, side) && has(step(cell, side), opposite(side))
    }

    /// Whether words start at `next`, or after one space at `beyond`.
    fn words_at(&self, next: Cell, beyond: Cell) -> bool {
        let next = self.at(next);
        is_text(next) || (next == ' ' && is_text(self.at(beyond)))
    }
}

fn is_text(c: char) -> bool {
    c != ' ' && arms(c).is_none()
}

/// The neighbour of `cell` on `side`.
fn step((row, column): Cell, side: usize) -> Cell {
    let (rows, columns) = STEPS[side];
    (row + rows, column + columns)
}

fn opposite(side: usize) -> usize {
    (side + 2) % 4
}

/// Sides, in the order of `draw::arms`.
const UP: usize = 0;
const RIGHT: usize = 1;
const DOWN: usize = 2;
const LEFT: usize = 3;
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
