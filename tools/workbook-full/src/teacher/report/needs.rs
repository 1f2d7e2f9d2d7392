//! What a teacher asks of a class first: who needs me now, and which exercise stops the
//! class. Both come from what each report says of its exercises: an exercise whose last
//! check failed is one its learner is stuck on, for as long as its checks have failed
//! (as of the learner's report).

use std::collections::BTreeMap;

use unicode_width::UnicodeWidthStr;

use super::Report;
use super::class::Class;
use workbook_core::language::messages::{Cmd, say};
use workbook_core::ui;

/// One learner stuck on one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck<'a> {
    pub learner: &'a str,
    pub exercise: &'a str,
    pub minutes: u64,
    pub attempts: u32,
    pub hints: usize,
}

/// Each learner's longest stuck exercise, the longest first.
pub fn who_needs_you(reports: &[Report]) -> Vec<Stuck<'_>> {
    let mut stuck: Vec<Stuck> = reports
        .iter()
        .filter_map(|report| {
            report
                .exercises
                .iter()
                .filter_map(|activity| {
                    Some(Stuck {
                        learner: &report.learner,
                        exercise: &activity.id,
                        minutes: activity.stuck_minutes?,
                        attempts: activity.attempts,
                        hints: activity.hints,
                    })
                })
                .max_by_key(|stuck| stuck.minutes)
        })
        .collect();
    stuck.sort_by(|a, b| b.minutes.cmp(&a.minutes).then(a.learner.cmp(b.learner)));
    stuck
}

/// Each exercise some learner is stuck on: how many are, and the longest; the one most
/// learners are stuck on first.
pub fn stopping_exercises(reports: &[Report]) -> Vec<(&str, usize, u64)> {
    let mut by_exercise: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for report in reports {
        for activity in &report.exercises {
            if let Some(minutes) = activity.stuck_minutes {
                let entry = by_exercise.entry(&activity.id).or_default();
                entry.0 += 1;
                entry.1 = entry.1.max(minutes);
            }
        }
    }
    let mut exercises: Vec<(&str, usize, u64)> = by_exercise
        .into_iter()
        .map(|(id, (learners, longest))| (id, learners, longest))
        .collect();
    exercises.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    exercises
}

/// Both answers, as `report --class` prints them above its table.
pub fn render_needs(class: &Class) -> String {
    let mut out = String::new();
    let stuck = who_needs_you(&class.reports);
    out.push_str(&ui::bold(&say(Cmd::WhoNeedsYou, &[])));
    out.push('\n');
    if stuck.is_empty() {
        out.push_str(&say(Cmd::NobodyStuck, &[]));
        out.push('\n');
        return out;
    }
    let name_width = stuck.iter().map(|s| s.learner.width()).max().unwrap_or(0);
    for one in &stuck {
        let pad = " ".repeat(name_width - one.learner.width());
        let args: [(&str, &dyn std::fmt::Display); 5] = [
            ("name", &format!("{}{pad}", one.learner)),
            ("id", &one.exercise),
            ("minutes", &one.minutes),
            ("attempts", &one.attempts),
            ("hints", &one.hints),
        ];
        out.push_str(&say(Cmd::StuckOn, &args));
        out.push('\n');
    }
    out.push_str(&ui::bold(&say(Cmd::WhatStopsTheClass, &[])));
    out.push('\n');
    for (id, learners, longest) in stopping_exercises(&class.reports) {
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("id", &id), ("count", &learners), ("minutes", &longest)];
        let stops = if learners == 1 {
            Cmd::ExerciseStopsOne
        } else {
            Cmd::ExerciseStops
        };
        out.push_str(&say(stops, &args));
        out.push('\n');
    }
    out
}
