//! The exercise check: an exercise makes the learner think, so its hints name the trap, not
//! the recipe, and its answer is nowhere in sight before it is done (lessons/README.md,
//! "Hints lead"). Two measures, for each exercise, from its answer's lines:
//!
//! - **Hint quotes** (`hints.rs`): how many of the answer's lines hold code its hints quote
//!   in backticks, in English or Chinese. The lines counted are those that say something:
//!   not blank, comments, imports, attributes, brackets and keywords alone (`} else {`,
//!   `Ok(())`), nor lines the stub holds already (its signature). A line counts once,
//!   whatever it holds. And a hint that quotes an expression standing in the answer
//!   (`hints::EXPRESSION` characters or more, with a call or an operator) writes the answer
//!   in words.
//! - **Copies**: where the answer stands, names changed or not, in the code and the chapter
//!   a learner reads before the exercise (`copies.rs` says which): line by line
//!   (`copies.rs`), and as a stream of tokens, which finds it reshaped too (`windows.rs`).
//!
//! An exercise marked `about = "one-call"` in lesson.toml (its point is one API call, which
//! its hints may name: `why` says why) is measured and shown, but fails neither.
//!
//! The thresholds, and why:
//!
//! - The course's goal is that at most [`TOTAL_SHARE`] of all answers' lines hold quoted
//!   code: the hints name types, traps and ideas, and a call now and then. `verify` fails
//!   above it.
//! - One exercise fails above [`SHARE_THAT_FAILS`], with two lines or more: twice the goal,
//!   since an answer is short (10 to 40 lines) and one line quoting a name the trap needs (a
//!   read that returns 0) is 3 to 10 % of it alone.
//! - Any expression of the answer written in a hint fails: that is the rule's own words
//!   ("none is the answer's code").
//! - A run of [`RUN_THAT_FAILS`] lines in a row found in one place fails: three lines in a
//!   row are often a shared skeleton (a loop with its stop signal, a builder's fixed
//!   steps), shown as a warning; four are a piece of the answer to copy.
//! - [`PLACE_SHARE_THAT_FAILS`] or more of the answer's lines found in one place (three
//!   lines or more, in any order) fails: half an answer in sight is half of it given.
//!   Lines that stand in [`IDIOM_FILES`] or more of the course's files are idioms (an
//!   accept, a spawn with a move), not the answer, and count for no place.
//! - [`WINDOW_SHARE_THAT_FAILS`] or more of the answer's windows of tokens found in one
//!   place fails (an answer of [`FEWEST_WINDOWS`] windows or more): what the lines miss, an
//!   answer written again with its lines reshaped. Measured on the 76 exercises as they
//!   stood before this check (commit c9d7e9d), the answers a reader had found in sight came
//!   out at 21 % to 48 % (`tcp.limit` 48 %, `rpc.frame` 33 %, `protobuf.varint` 21 %), and
//!   most others under 10 %.

use std::path::PathBuf;

mod copies;
mod functions;
mod hints;
pub mod lines;
mod measure;
mod report;
#[cfg(test)]
mod tests;
mod windows;

use copies::Run;
pub use measure::check;
pub use report::print;
use report::{numbers, percent};

/// The share of all answers' lines that may hold code the hints quote.
pub const TOTAL_SHARE: f64 = 0.10;
/// The share of one answer's lines above which it fails.
pub const SHARE_THAT_FAILS: f64 = 0.20;
/// This many lines of an answer in a row, found together in one place, fail.
pub const RUN_THAT_FAILS: usize = 4;
/// This share of an answer's lines found in one place fails (with three lines or more).
pub const PLACE_SHARE_THAT_FAILS: f64 = 0.5;
/// This share of an answer's windows found in one place fails.
pub const WINDOW_SHARE_THAT_FAILS: f64 = 0.2;
/// An answer with fewer windows than this is too short for their share to say anything.
pub const FEWEST_WINDOWS: usize = 20;
/// A line or a window in this many of the course's files or more is an idiom.
pub const IDIOM_FILES: usize = 3;

/// An answer's line that holds code the hints quote.
#[derive(Debug, Clone)]
pub struct Quoted {
    pub line: usize,
    /// The spans it holds, as the hints wrote them.
    pub spans: Vec<String>,
}

/// What the check measured of one exercise.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub exercise: String,
    /// The answer, relative to the course's root.
    pub solution: PathBuf,
    pub one_call: bool,
    /// Why, for an exercise about one call (lesson.toml's `why`).
    pub why: Option<String>,
    /// The answer's lines that say something (the hint measure's whole).
    pub lines: usize,
    pub quoted: Vec<Quoted>,
    /// Expressions a hint writes that stand in the answer: (hint, span, answer line).
    pub expressions: Vec<(usize, String, usize)>,
    /// The answer's lines that count for copies.
    pub counted: usize,
    /// Every run of the answer found in a place, longest first.
    pub runs: Vec<Run>,
    /// The place holding most of the answer's lines (idioms aside): how many, where, and
    /// their line numbers there.
    pub most_in_one_place: Option<(usize, PathBuf, Vec<usize>)>,
    /// The answer's windows of tokens (`windows.rs`), and the place holding most of them.
    pub windows: usize,
    pub most_windows: Option<(usize, PathBuf)>,
}

impl Measured {
    pub fn quoted_share(&self) -> f64 {
        share(self.quoted.len(), self.lines)
    }

    pub fn copied_share(&self) -> f64 {
        let most = self.most_in_one_place.as_ref().map_or(0, |m| m.0);
        share(most, self.counted)
    }

    pub fn window_share(&self) -> f64 {
        share(self.most_windows.as_ref().map_or(0, |m| m.0), self.windows)
    }

    pub fn longest_run(&self) -> usize {
        self.runs.first().map_or(0, |run| run.length)
    }

    fn lines_copied(&self) -> bool {
        self.most_in_one_place.as_ref().is_some_and(|(most, _, _)| {
            *most >= 3 && share(*most, self.counted) >= PLACE_SHARE_THAT_FAILS
        })
    }

    fn windows_copied(&self) -> bool {
        self.windows >= FEWEST_WINDOWS && self.window_share() >= WINDOW_SHARE_THAT_FAILS
    }

    /// Whether its answer stands, whole or in part, where a learner reads it.
    pub fn copied(&self) -> bool {
        self.longest_run() >= RUN_THAT_FAILS || self.lines_copied() || self.windows_copied()
    }

    /// Why it fails, one line each; nothing for an exercise about one call.
    pub fn failures(&self) -> Vec<String> {
        if self.one_call {
            return Vec::new();
        }
        let mut why = Vec::new();
        if self.quoted.len() >= 2 && self.quoted_share() > SHARE_THAT_FAILS {
            let shown: Vec<String> = self
                .quoted
                .iter()
                .map(|q| format!("{} `{}`", q.line, q.spans.join("`, `")))
                .collect();
            why.push(format!(
                "{} of {} lines of the answer ({}) hold code the hints quote, over {}: line {}",
                self.quoted.len(),
                self.lines,
                percent(self.quoted_share()),
                percent(SHARE_THAT_FAILS),
                shown.join("; ")
            ));
        }
        for (hint, span, line) in &self.expressions {
            why.push(format!(
                "hint {hint} writes `{span}`, which stands in the answer ({}:{line})",
                self.solution.display()
            ));
        }
        if let Some(run) = self.runs.first().filter(|r| r.length >= RUN_THAT_FAILS) {
            why.push(format!(
                "{} lines in a row of the answer ({}:{}) stand, names aside, in {}:{}: {}",
                run.length,
                self.solution.display(),
                run.line,
                run.found_in.display(),
                run.found_line,
                run.text
            ));
        }
        if let Some((most, place, at)) = self
            .most_in_one_place
            .as_ref()
            .filter(|_| self.lines_copied())
        {
            why.push(format!(
                "{most} of {} lines of the answer ({}) stand, names aside, in {} (lines {})",
                self.counted,
                percent(self.copied_share()),
                place.display(),
                numbers(at)
            ));
        }
        if let Some((_, place)) = self.most_windows.as_ref().filter(|_| self.windows_copied()) {
            why.push(format!(
                "{} of the answer's code, reshaped or not, stands in {} (over {})",
                percent(self.window_share()),
                place.display(),
                percent(WINDOW_SHARE_THAT_FAILS)
            ));
        }
        why
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
