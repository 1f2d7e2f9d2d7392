//! Progress reports, for a teacher who wants to see a whole class at once.
//!
//! Progress lives on each learner's machine, so a teacher cannot simply look it up. Instead
//! every learner runs `report --json > name.json` and hands in the file; the teacher runs
//! `report --class reports/` to get who is stuck where (`needs.rs`) and one row per learner.
//! Only the learner's name, the ids of the exercises they have done and what the report
//! says of each exercise worked on are trusted from a file: totals are counted again
//! against the course as it is now, so a report from an older copy of the course (with
//! exercises since renamed or removed) still reads correctly.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use workbook::learner::state::{self, State};
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, say};
use workbook_core::language::{self, Lang};
use workbook_core::ui;

mod activity;
mod class;
mod needs;

pub use activity::Activity;

pub use class::run_class;
#[cfg(test)]
use class::{read_class, render_class};

/// One learner's progress: what `report --json` prints and `report --class` reads.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub learner: String,
    /// The id of the learner's copy of the course (`State::learner_id`): two reports with
    /// one name and two ids are two learners. Empty in reports written before ids.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The file it was read from, to tell apart learners of one name without ids.
    #[serde(skip)]
    pub source: String,
    /// Ids of the exercises done, in course order.
    pub done: Vec<String>,
    /// How many exercises the course has.
    pub total: usize,
    /// Done and total per lesson, in course order.
    pub lessons: LessonCounts,
    /// When the report was made (RFC 3339, UTC).
    pub generated: String,
    /// Each exercise the learner has started, in course order: what `.workbook/state.toml`
    /// knows of it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exercises: Vec<Activity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    pub done: usize,
    pub total: usize,
}

/// Lesson id → count, serialised as a JSON object that keeps the course's order.
#[derive(Debug, Clone, Default)]
pub struct LessonCounts(pub Vec<(String, Count)>);

impl Serialize for LessonCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(id, count)| (id, count)))
    }
}

/// The part of a handed-in file that is read; every other field is recounted or ignored.
#[derive(Debug, Deserialize)]
struct HandedIn {
    learner: String,
    #[serde(default)]
    id: String,
    done: Vec<String>,
    /// A time as `report --json` writes it, or unix seconds.
    #[serde(default)]
    generated: Option<serde_json::Value>,
    #[serde(default)]
    exercises: Vec<Activity>,
}

impl Report {
    /// Counts `done` against the course: ids the course does not have are dropped.
    pub fn new(course: &Course, learner: &str, done: &[String], generated: String) -> Report {
        let done: HashSet<&str> = done.iter().map(String::as_str).collect();
        let mut lessons = LessonCounts::default();
        let mut done_ids = Vec::new();
        for lesson in &course.lessons {
            let mut count = Count {
                done: 0,
                total: lesson.exercises.len(),
            };
            for exercise in &lesson.exercises {
                if done.contains(exercise.id.as_str()) {
                    count.done += 1;
                    done_ids.push(exercise.id.clone());
                }
            }
            lessons.0.push((lesson.id.clone(), count));
        }
        Report {
            learner: learner.to_string(),
            id: String::new(),
            source: String::new(),
            done: done_ids,
            total: course.exercise_count(),
            lessons,
            generated,
            exercises: Vec::new(),
        }
    }

    /// This machine's progress.
    pub fn from_state(course: &Course, state: &State, learner: &str) -> Report {
        let done: Vec<String> = course
            .exercises()
            .filter(|(_, ex)| state.is_done(&ex.id))
            .map(|(_, ex)| ex.id.clone())
            .collect();
        let mut report = Report::new(course, learner, &done, rfc3339(SystemTime::now()));
        report.id = state.learner_id.clone().unwrap_or_default();
        let now = state::now();
        report.exercises = course
            .exercises()
            .filter_map(|(_, ex)| Activity::of(&ex.id, &state.get(&ex.id), now))
            .collect();
        report
    }

    /// Reads a file of reports: one handed in (`report --json`), or an array of them (a
    /// live class's export, `class serve`'s `/export.json`).
    pub fn parse_all(course: &Course, text: &str) -> Result<Vec<Report>> {
        if !text.trim_start().starts_with('[') {
            return Report::parse(course, text).map(|report| vec![report]);
        }
        let each: Vec<serde_json::Value> =
            serde_json::from_str(text).with_context(|| say(Cmd::ClassNotAReport, &[]))?;
        each.iter()
            .map(|report| Report::parse(course, &report.to_string()))
            .collect()
    }

    /// Reads a handed-in report, recounted against `course`.
    pub fn parse(course: &Course, text: &str) -> Result<Report> {
        let handed_in: HandedIn = match serde_json::from_str(text) {
            Ok(handed_in) => handed_in,
            // serde's own words are English: a Chinese run says where, in its words.
            Err(err) if language::current() != Lang::En => {
                let at: [(&str, &dyn std::fmt::Display); 2] =
                    [("line", &err.line()), ("column", &err.column())];
                anyhow::bail!(say(Cmd::ClassNotAReportAt, &at))
            }
            Err(err) => return Err(err).context(say(Cmd::ClassNotAReport, &[])),
        };
        let learner = handed_in.learner.trim();
        anyhow::ensure!(!learner.is_empty(), say(Cmd::ClassNoName, &[]));
        let generated = match handed_in.generated {
            Some(serde_json::Value::String(time)) => time,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let mut report = Report::new(course, learner, &handed_in.done, generated);
        report.id = handed_in.id.trim().to_string();
        // Only the exercises the course still has, in its order.
        report.exercises = course
            .exercises()
            .filter_map(|(_, ex)| handed_in.exercises.iter().find(|a| a.id == ex.id).cloned())
            .collect();
        Ok(report)
    }

    /// The compact text form: name and total, one count per lesson, the ids done.
    pub fn render(&self) -> String {
        let mut out = say(
            Cmd::ReportDone,
            &[
                ("name", &ui::bold(&self.learner)),
                ("count", &cell(self.done.len(), self.total)),
                ("time", &ui::dim(&self.generated)),
            ],
        );
        out.push('\n');
        let lessons: Vec<String> = self
            .lessons
            .0
            .iter()
            .map(|(id, count)| format!("{id} {}", cell(count.done, count.total)))
            .collect();
        out.push_str(&format!("  {}\n", lessons.join("   ")));
        let done = if self.done.is_empty() {
            say(Cmd::ReportNothingYet, &[])
        } else {
            self.done.join(", ")
        };
        out.push_str(&say(Cmd::ReportDoneIds, &[("ids", &done)]));
        out.push('\n');
        out
    }
}

/// `3/5`, green when complete, yellow when started, dim when not, on a terminal.
fn cell(done: usize, total: usize) -> String {
    let text = format!("{done}/{total}");
    if total > 0 && done == total {
        ui::green(&text)
    } else if done > 0 {
        ui::yellow(&text)
    } else {
        ui::dim(&text)
    }
}

/// The name on the report: `--name`, else `git config user.name`, else `$USER`.
pub fn learner_name(root: &Path, given: Option<&str>) -> String {
    let non_empty = |name: String| {
        let name = name.trim().to_string();
        (!name.is_empty()).then_some(name)
    };
    given
        .map(str::to_string)
        .and_then(non_empty)
        .or_else(|| {
            let output = Command::new("git")
                .arg("-C")
                .arg(root)
                .args(["config", "user.name"])
                .stderr(std::process::Stdio::null())
                .output()
                .ok()?;
            output.status.success().then_some(())?;
            non_empty(String::from_utf8_lossy(&output.stdout).into_owned())
        })
        .or_else(|| std::env::var("USER").ok().and_then(non_empty))
        .or_else(|| std::env::var("USERNAME").ok().and_then(non_empty))
        .unwrap_or_else(|| "unknown".to_string())
}

/// `2026-03-01T09:30:00Z`: the time in UTC, to the second. Empty for a time past the year
/// 9999, which RFC 3339 cannot write (a state file's time gone wrong).
pub fn rfc3339(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs());
    i64::try_from(secs)
        .ok()
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|utc| utc.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// `report`: this learner's block, or with `json` the file to hand in.
pub fn run(course: &Course, state: &mut State, name: Option<&str>, json: bool) -> Result<bool> {
    state.learner_id(&course.root)?;
    let report = Report::from_state(course, state, &learner_name(&course.root, name));
    if json {
        let text = serde_json::to_string_pretty(&report).context("serialising the report")?;
        println!("{text}");
    } else {
        print!("{}", report.render());
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
