//! What the check prints: each failure with its reason, the worst five exercises by each
//! measure, and the totals.

use std::collections::HashSet;

use super::{FEWEST_WINDOWS, Measured, RUN_THAT_FAILS, TOTAL_SHARE, share};
use workbook_core::ui;

/// Prints what failed and why, the worst five by each measure and the totals; returns how
/// many problems fail `verify`. The course's total share fails only where `measured` is the
/// whole course: one lesson may spend more of it than another.
pub fn print(measured: &[Measured], whole_course: bool) -> usize {
    println!();
    println!(
        "{}",
        ui::bold("Exercises that make the learner think: hints name the trap, no answer in sight")
    );
    let mut failing = 0;
    for m in measured {
        for why in m.failures() {
            failing += 1;
            println!("  {} {}: {why}", ui::fail_mark(), m.exercise);
        }
        let mut warned = HashSet::new();
        for run in m.runs.iter().filter(|r| r.length + 1 == RUN_THAT_FAILS) {
            if !warned.insert(run.line) {
                continue;
            }
            println!(
                "  {} {}: 3 lines in a row of the answer ({}:{}) stand, names aside, in {}:{}: {}",
                ui::yellow("!"),
                m.exercise,
                m.solution.display(),
                run.line,
                run.found_in.display(),
                run.found_line,
                run.text
            );
        }
    }

    for m in measured.iter().filter(|m| m.one_call) {
        let why = m.why.as_deref().unwrap_or_default();
        println!(
            "  {} {}: about one call, its hints may name it: {why}",
            ui::dim("·"),
            m.exercise
        );
    }

    let worst = |key: &dyn Fn(&Measured) -> f64| {
        let mut sorted: Vec<&Measured> = measured.iter().collect();
        sorted.sort_by(|a, b| key(b).total_cmp(&key(a)));
        sorted.into_iter().take(5).collect::<Vec<_>>()
    };
    println!("  the worst five by the share of the answer's lines that hold code the hints quote:");
    for m in worst(&|m| m.quoted_share()) {
        let one_call = if m.one_call { ", about one call" } else { "" };
        println!(
            "    {:>5}  {} ({} of {} lines{one_call})",
            percent(m.quoted_share()),
            m.exercise,
            m.quoted.len(),
            m.lines
        );
    }
    println!(
        "  the worst five by the share of the answer's lines found in one place, names aside:"
    );
    // A share of one line says little (one line of one is 100 %): those come last.
    let weighed = |m: &Measured| {
        let most = m.most_in_one_place.as_ref().map_or(0, |most| most.0);
        let share = if most >= 2 { m.copied_share() } else { 0.0 };
        share + m.longest_run() as f64 / 1000.0
    };
    for m in worst(&weighed) {
        let place = m
            .most_in_one_place
            .as_ref()
            .map_or("nowhere".to_string(), |(_, place, _)| {
                place.display().to_string()
            });
        println!(
            "    {:>5}  {} ({} of {} lines in {place}; longest run {})",
            percent(m.copied_share()),
            m.exercise,
            m.most_in_one_place.as_ref().map_or(0, |most| most.0),
            m.counted,
            m.longest_run()
        );
    }
    println!(
        "  the worst five by the share of the answer's code found in one place, reshaped or not:"
    );
    let long_enough = |m: &Measured| {
        if m.windows >= FEWEST_WINDOWS {
            m.window_share()
        } else {
            0.0
        }
    };
    for m in worst(&long_enough) {
        let place = m
            .most_windows
            .as_ref()
            .map_or("nowhere".to_string(), |(_, place)| {
                place.display().to_string()
            });
        println!(
            "    {:>5}  {} ({} of {} windows in {place})",
            percent(m.window_share()),
            m.exercise,
            m.most_windows.as_ref().map_or(0, |most| most.0),
            m.windows,
        );
    }

    let design: Vec<&Measured> = measured.iter().filter(|m| !m.one_call).collect();
    let quoted: usize = design.iter().map(|m| m.quoted.len()).sum();
    let lines: usize = design.iter().map(|m| m.lines).sum();
    let total = share(quoted, lines);
    let copied = design.iter().filter(|m| m.copied()).count();
    let writing = design.iter().filter(|m| !m.expressions.is_empty()).count();
    let mark = if total <= TOTAL_SHARE {
        ui::pass_mark()
    } else if whole_course {
        failing += 1;
        ui::fail_mark()
    } else {
        ui::yellow("!")
    };
    println!(
        "  {mark} {quoted} of {lines} answer lines ({:.1} %) hold code the hints quote, across {} \
         (at most {}; {} about one call left out)",
        total * 100.0,
        ui::plural(design.len(), "exercise"),
        percent(TOTAL_SHARE),
        measured.len() - design.len()
    );
    let mark = if copied == 0 {
        ui::pass_mark()
    } else {
        ui::fail_mark()
    };
    println!(
        "  {mark} {} whose answer stands, whole or in part, where a learner reads it",
        ui::plural(copied, "exercise")
    );
    let mark = if writing == 0 {
        ui::pass_mark()
    } else {
        ui::fail_mark()
    };
    println!(
        "  {mark} {} whose hints write an expression of the answer",
        ui::plural(writing, "exercise")
    );
    failing
}

pub(super) fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// `3, 4, 9` for at most eight numbers, then `…`.
pub(super) fn numbers(list: &[usize]) -> String {
    let mut list = list.to_vec();
    list.sort();
    list.dedup();
    let mut shown: Vec<String> = list.iter().take(8).map(usize::to_string).collect();
    if list.len() > 8 {
        shown.push("…".into());
    }
    shown.join(", ")
}
