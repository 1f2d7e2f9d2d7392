//! The class, exported: a CSV file with a line per learner and exercise (for a
//! spreadsheet), and the JSON that `report --class` reads (one report per learner, as
//! `report --json` writes them, in one array).

use std::time::{Duration, UNIX_EPOCH};

use workbook::learner::state::Status;
use workbook_core::course::Course;

use super::board::{Board, Cell};
use crate::teacher::report::{Activity, Report, rfc3339};

fn time(ms: u64) -> String {
    rfc3339(UNIX_EPOCH + Duration::from_millis(ms))
}

fn minutes_failing(cell: &Cell, now_ms: u64) -> Option<u64> {
    (!cell.passed)
        .then_some(cell.failing_since_ms)
        .flatten()
        .map(|since| now_ms.saturating_sub(since) / 60_000)
}

/// One report per learner, in the order they joined.
pub fn reports(course: &Course, board: &Board, now_ms: u64) -> Vec<Report> {
    board
        .rows()
        .map(|row| {
            let done: Vec<String> = row
                .cells
                .iter()
                .filter(|(_, cell)| cell.passed)
                .map(|(id, _)| id.clone())
                .collect();
            let mut report = Report::new(course, &row.name, &done, time(now_ms));
            report.id = format!("class-{}", row.id);
            report.exercises = course
                .exercises()
                .filter_map(|(_, exercise)| {
                    let cell = row.cells.get(&exercise.id)?;
                    Some(Activity {
                        id: exercise.id.clone(),
                        status: Some(if cell.passed {
                            Status::Passed
                        } else {
                            Status::Failed
                        }),
                        attempts: cell.attempts,
                        hints: cell.hints as usize,
                        first: Some(time(cell.first_ms)),
                        last: Some(time(cell.last_ms)),
                        stuck_minutes: minutes_failing(cell, now_ms),
                    })
                })
                .collect();
            report
        })
        .collect()
}

/// The CSV: a header, then a line per learner and exercise checked, in course order, and
/// one with no exercise for a learner who joined and never checked (they are in the class).
pub fn csv(course: &Course, board: &Board, now_ms: u64) -> String {
    let mut out = String::from(
        "learner,exercise,status,attempts,hints,first,last,minutes_failing,failing_test,message\r\n",
    );
    for row in board.rows() {
        if !course
            .exercises()
            .any(|(_, exercise)| row.cells.contains_key(&exercise.id))
        {
            out.push_str(&format!("{},,,0,0,,,,,\r\n", field(&row.name)));
            continue;
        }
        for (_, exercise) in course.exercises() {
            let Some(cell) = row.cells.get(&exercise.id) else {
                continue;
            };
            let fields = [
                field(&row.name),
                field(&exercise.id),
                (if cell.passed {
                    "passed"
                } else if cell.started {
                    "failed"
                } else {
                    "not started"
                })
                .to_string(),
                cell.attempts.to_string(),
                cell.hints.to_string(),
                time(cell.first_ms),
                time(cell.last_ms),
                minutes_failing(cell, now_ms).map_or(String::new(), |m| m.to_string()),
                field(cell.test.as_deref().unwrap_or("")),
                field(cell.message.as_deref().unwrap_or("")),
            ];
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// A text field of the CSV, quoted (RFC 4180). A field that a spreadsheet would read as
/// a formula (`=`, `+`, `-`, `@` first) starts with `'`: a learner's name is shown, never
/// run.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(field("Ada"), "\"Ada\"");
        assert_eq!(field("say \"hi\", Bob"), "\"say \"\"hi\"\", Bob\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }
}
