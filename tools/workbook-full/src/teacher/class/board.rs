//! What the dashboard shows, kept in memory: each learner's row of exercises, made from
//! the verdicts in the order they were made. The server rebuilds it from the database when
//! it starts and applies each verdict once it is kept; the page gets a snapshot when it
//! connects and a learner's new row after each of their verdicts.
//!
//! The page derives the rest (who is stuck, each exercise's counts, the hints) from the
//! rows it holds; the exports (`export.rs`) read the rows here.
//!
//! Stuck means stuck: a learner is stuck on the exercise they are on (the last they checked
//! alone, or saved in `watch`) when it has failed for a while: since longer ago than the
//! teacher's `--stuck-after` (3 minutes unless told), by the server's clock, which dates
//! every verdict it keeps. Before that they are trying, as anyone is between two checks;
//! the page tells one from the other as time passes. A lesson's or the course's check
//! fails every stub not yet written: those cells are updated, but an exercise nobody has
//! started (never checked alone, never passed) is "not started", failing since never. So
//! is an exercise whose file is its stub, untouched, however it was checked (the runner
//! says so): a learner who opened `watch` on it, which checks it at once, is reading, not
//! stuck. Stuck is failing after writing something.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::store::{Event, LearnerRow};

/// One exercise a learner has worked on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The last verdict: passed or not.
    pub passed: bool,
    pub ever_passed: bool,
    /// Worked on: checked alone with something written at least once, or passed; not
    /// while its file is its stub again.
    pub started: bool,
    /// Every verdict, a lesson's checks included.
    pub attempts: u32,
    /// The verdicts of it checked alone: the learner's own tries.
    pub tries: u32,
    pub hints: u32,
    pub first_ms: u64,
    pub last_ms: u64,
    /// Since when it has been failing (its first failure, once started, since it last
    /// passed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failing_since_ms: Option<u64>,
    /// The last failure's test and message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A learner's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub id: i64,
    pub name: String,
    pub joined_ms: u64,
    /// The exercise they are on: the last they checked alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// The teacher let them join again, and they have not yet: the roster says so.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub may_rejoin: bool,
    /// Exercise id → what they did with it.
    pub cells: BTreeMap<String, Cell>,
}

/// Every learner's row.
#[derive(Debug, Default)]
pub struct Board {
    rows: BTreeMap<i64, Row>,
    names: HashMap<i64, String>,
}

/// The board and the learners' tokens (token → learner id), from the class as kept.
pub fn build(learners: Vec<LearnerRow>, events: &[Event]) -> (Board, HashMap<String, i64>) {
    let mut board = Board::default();
    let mut tokens = HashMap::new();
    for learner in learners {
        board.add_learner(learner.id, &learner.name, learner.joined_ms);
        board.may_rejoin(learner.id, learner.may_rejoin);
        tokens.insert(learner.token, learner.id);
    }
    for event in events {
        board.apply(event);
    }
    (board, tokens)
}

impl Board {
    pub fn add_learner(&mut self, id: i64, name: &str, joined_ms: u64) {
        self.names.insert(id, name.to_string());
        self.rows.insert(
            id,
            Row {
                id,
                name: name.to_string(),
                joined_ms,
                current: None,
                may_rejoin: false,
                cells: BTreeMap::new(),
            },
        );
    }

    /// The learner `id`'s row.
    pub fn row(&self, id: i64) -> Option<&Row> {
        self.rows.get(&id)
    }

    /// The learner `id` is called `name` now; their row as it now is.
    pub fn rename(&mut self, id: i64, name: &str) -> Option<&Row> {
        let row = self.rows.get_mut(&id)?;
        row.name = name.to_string();
        self.names.insert(id, name.to_string());
        Some(row)
    }

    /// Whether the learner `id` may join again; their row as it now is.
    pub fn may_rejoin(&mut self, id: i64, may: bool) -> Option<&Row> {
        let row = self.rows.get_mut(&id)?;
        row.may_rejoin = may;
        Some(row)
    }

    /// Applies one kept verdict; returns its learner's row as it now is.
    pub fn apply(&mut self, event: &Event) -> Option<&Row> {
        let row = self.rows.get_mut(&event.learner)?;
        let cell = row.cells.entry(event.exercise.clone()).or_default();
        if cell.attempts == 0 {
            cell.first_ms = event.at_ms;
        }
        cell.attempts += 1;
        cell.last_ms = event.at_ms;
        cell.hints = cell.hints.max(event.hints);
        cell.passed = event.passed;
        cell.ever_passed |= event.passed;
        if event.untouched && !event.passed {
            // The stub as the course gave it: not started, whatever came before (a
            // `reset` takes a learner back there).
            cell.started = false;
            cell.failing_since_ms = None;
        } else {
            cell.started |= event.current || event.passed;
        }
        if event.current {
            cell.tries += 1;
            row.current = Some(event.exercise.clone());
        }
        if event.passed {
            cell.failing_since_ms = None;
            cell.test = None;
            cell.message = None;
        } else {
            if cell.started {
                cell.failing_since_ms.get_or_insert(event.at_ms);
            }
            cell.test = event.test.clone();
            cell.message = event.message.clone();
        }
        Some(row)
    }

    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(passed: bool, at_ms: u64, test: Option<&str>) -> Event {
        Event {
            learner: 1,
            seq: at_ms,
            exercise: "tcp.echo".into(),
            passed,
            test: test.map(str::to_string),
            message: test.map(|_| "not yet implemented".to_string()),
            hints: 0,
            at_ms,
            received_ms: at_ms,
            current: true,
            untouched: false,
        }
    }

    #[test]
    fn a_cell_fails_since_its_first_failure_until_it_passes() {
        let mut board = Board::default();
        board.add_learner(1, "Ada", 0);
        board.apply(&verdict(false, 100, Some("echoes")));
        let row = board.apply(&verdict(false, 200, Some("closes"))).unwrap();
        let cell = &row.cells["tcp.echo"];
        assert_eq!(cell.failing_since_ms, Some(100));
        assert_eq!(
            cell.test.as_deref(),
            Some("closes"),
            "the last failure's test"
        );
        assert_eq!(cell.attempts, 2);
        let row = board.apply(&verdict(true, 300, None)).unwrap();
        let cell = &row.cells["tcp.echo"];
        assert!(cell.passed && cell.ever_passed);
        assert_eq!((cell.failing_since_ms, cell.first_ms), (None, 100));
        assert!(
            board
                .apply(&Event {
                    learner: 9,
                    ..verdict(true, 1, None)
                })
                .is_none()
        );
    }

    #[test]
    fn a_lesson_check_of_an_untouched_stub_starts_nothing() {
        let mut board = Board::default();
        board.add_learner(1, "Ada", 0);
        let lesson = |passed, at_ms, exercise: &str| Event {
            exercise: exercise.into(),
            current: false,
            ..verdict(passed, at_ms, (!passed).then_some("echoes"))
        };
        let row = board.apply(&lesson(false, 100, "tcp.echo")).unwrap();
        let cell = &row.cells["tcp.echo"];
        assert!(!cell.started && !cell.passed);
        assert_eq!(
            (cell.failing_since_ms, cell.tries, cell.attempts),
            (None, 0, 1)
        );
        assert_eq!(row.current, None, "a lesson check is no exercise to be on");

        // Checked alone: the learner is on it, and failing since that check.
        board.apply(&verdict(false, 200, Some("echoes")));
        let row = board.apply(&lesson(false, 300, "tcp.echo")).unwrap();
        let cell = &row.cells["tcp.echo"];
        assert!(cell.started);
        assert_eq!((cell.failing_since_ms, cell.tries), (Some(200), 1));
        assert_eq!(row.current.as_deref(), Some("tcp.echo"));

        // A passing lesson check of another exercise starts it, and moves no one.
        let row = board.apply(&lesson(true, 400, "tcp.chat")).unwrap();
        assert!(row.cells["tcp.chat"].started);
        assert_eq!(row.current.as_deref(), Some("tcp.echo"));
    }

    #[test]
    fn an_untouched_stub_is_not_started_however_it_was_checked() {
        let mut board = Board::default();
        board.add_learner(1, "Ada", 0);
        let untouched = |at_ms| Event {
            untouched: true,
            ..verdict(false, at_ms, Some("echoes"))
        };
        // `watch` opened on it: checked alone, the learner is on it, and not stuck.
        let row = board.apply(&untouched(100)).unwrap();
        let cell = &row.cells["tcp.echo"];
        assert!(!cell.started, "{cell:?}");
        assert_eq!((cell.failing_since_ms, cell.tries), (None, 1));
        assert_eq!(row.current.as_deref(), Some("tcp.echo"));
        // Something written, still failing: started, failing since then.
        let row = board.apply(&verdict(false, 200, Some("echoes"))).unwrap();
        assert_eq!(row.cells["tcp.echo"].failing_since_ms, Some(200));
        // Reset to its stub: not started again.
        let row = board.apply(&untouched(300)).unwrap();
        let cell = &row.cells["tcp.echo"];
        assert!(!cell.started && cell.failing_since_ms.is_none(), "{cell:?}");
    }
}
