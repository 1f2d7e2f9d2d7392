//! `verify`'s table: a row per exercise (its stub failed, its solution passed), and the
//! browser check's findings page by page.

use super::Side;
use crate::proof::browsercheck::BrowserCheck;
use workbook_core::cargo;
use workbook_core::course::Exercise;
use workbook_core::testrun::{Outcome, TestResult};
use workbook_core::ui;

pub(super) struct Row<'c> {
    pub(super) exercise: &'c Exercise,
    pub(super) stub: Side,
    pub(super) solution: Side,
    pub(super) notes: Vec<String>,
}

impl Row<'_> {
    /// What the stub side says, and whether it is as it should be (failing).
    pub(super) fn stub_cell(&self) -> (String, bool) {
        match &self.stub {
            Side::Ran(run) => match run.outcome {
                Outcome::Failed => ("✗ fails".into(), true),
                Outcome::Passed => ("✓ PASSES".into(), false),
                Outcome::TimedOut => ("HANGS".into(), false),
            },
            Side::NotBuilt => ("not built".into(), false),
            Side::Error(e) => (e.clone(), false),
        }
    }

    /// What the solution side says, and whether it is as it should be (passing).
    pub(super) fn solution_cell(&self) -> (String, bool) {
        match &self.solution {
            Side::Ran(run) => match run.outcome {
                Outcome::Passed if run.report.tests.is_empty() => ("runs no tests".into(), false),
                Outcome::Passed if run.report.count(TestResult::Ignored) > 0 => {
                    ("✓ but has ignored tests".into(), false)
                }
                Outcome::Passed => (format!("✓ passes ({})", run.report.tests.len()), true),
                Outcome::Failed => {
                    let failed: Vec<&str> = run
                        .report
                        .tests
                        .iter()
                        .filter(|(_, r)| *r == TestResult::Failed)
                        .map(|(name, _)| name.as_str())
                        .collect();
                    if failed.is_empty() {
                        ("✗ FAILS".into(), false)
                    } else {
                        (format!("✗ FAILS: {}", failed.join(", ")), false)
                    }
                }
                Outcome::TimedOut => ("HANGS".into(), false),
            },
            Side::NotBuilt => ("not built".into(), false),
            Side::Error(e) => (e.clone(), false),
        }
    }

    pub(super) fn is_ok(&self) -> bool {
        self.stub_cell().1 && self.solution_cell().1 && self.notes.is_empty()
    }
}

/// Prints how the book did in the browser; returns the number of problems and whether the
/// check was skipped.
pub(super) fn print_browser_check(check: Option<BrowserCheck>) -> (usize, bool) {
    match check {
        None => (0, false),
        Some(BrowserCheck::Skipped(reason)) => {
            println!(
                "  {} the pages are not checked in a browser: {reason}",
                ui::yellow("skipped")
            );
            (0, true)
        }
        Some(BrowserCheck::Ran {
            pages,
            windows: [(width, height), (phone_width, phone_height)],
            problems,
            seconds,
        }) => {
            let what = format!(
                "{} in headless Chromium at {width}×{height} and {phone_width}×{phone_height}",
                ui::plural(pages, "page")
            );
            if problems.is_empty() {
                println!(
                    "  {} {what}: includes resolved, links and images found, listings, tables \
                     and the rest fit ({seconds:.1} s)",
                    ui::pass_mark()
                );
            } else {
                println!("  {} {what}:", ui::fail_mark());
            }
            for problem in &problems {
                println!("  {} {problem}", ui::fail_mark());
            }
            (problems.len(), false)
        }
    }
}

pub(super) fn print_table(rows: &[Row]) {
    if rows.is_empty() {
        return;
    }
    let id_width = rows
        .iter()
        .map(|r| r.exercise.id.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let stub_width = rows
        .iter()
        .map(|r| r.stub_cell().0.chars().count())
        .max()
        .unwrap_or(0)
        .max("stub ✗".chars().count());
    println!();
    println!(
        "  {:<id_width$}  {:<stub_width$}  solution ✓",
        ui::bold("exercise"),
        "stub ✗",
        id_width = id_width + visible_padding(&ui::bold("exercise"))
    );
    for row in rows {
        let (stub, stub_ok) = row.stub_cell();
        let (solution, solution_ok) = row.solution_cell();
        let mark = if row.is_ok() {
            ui::pass_mark()
        } else {
            ui::fail_mark()
        };
        let stub_text = format!("{stub:<stub_width$}");
        let paint = |text: &str, ok: bool| if ok { ui::green(text) } else { ui::red(text) };
        println!(
            "{mark} {:<id_width$}  {}  {}",
            row.exercise.id,
            paint(&stub_text, stub_ok),
            paint(&solution, solution_ok),
        );
        for note in &row.notes {
            println!("  {:<id_width$}  {}", "", ui::red(note));
        }
        // Say why a solution fails, briefly: that is what a maintainer needs to look at.
        if let Side::Ran(run) = &row.solution
            && run.outcome == Outcome::Failed
        {
            if let Some(reason) = run.report.first_reason() {
                println!("  {:<id_width$}  {}", "", ui::dim(&reason));
            } else if !run.stderr.trim().is_empty() {
                println!(
                    "{}",
                    ui::indent(&ui::clip_lines(run.stderr.trim_end(), 5), "      ")
                );
            }
        }
    }
}

/// How many invisible characters (colour codes) `styled` carries.
pub(super) fn visible_padding(styled: &str) -> usize {
    styled.len() - cargo::strip_ansi(styled).len()
}
