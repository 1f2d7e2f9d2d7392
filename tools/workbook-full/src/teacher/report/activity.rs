//! What a report says of each exercise a learner has worked on: the state file's record
//! of it (`learner/state.rs`), with times as dates and the minutes it has been failing.

use std::time::{Duration, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::rfc3339;
use workbook::learner::state::{ExerciseState, Status};

/// One exercise as a learner has worked on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: String,
    /// `passed` or `failed`: the last check's result; absent when only hints were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// How many times it was checked.
    #[serde(default)]
    pub attempts: u32,
    /// How many hints were read.
    #[serde(default)]
    pub hints: usize,
    /// The first and the last check or hint (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Minutes since its checks started failing, when the report was made; absent unless
    /// the last check failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stuck_minutes: Option<u64>,
}

impl Activity {
    /// What the state knows of one exercise, as of `now` (unix seconds); `None` if nothing.
    pub(super) fn of(id: &str, state: &ExerciseState, now: u64) -> Option<Activity> {
        let time = |at: Option<u64>| at.map(|secs| rfc3339(UNIX_EPOCH + Duration::from_secs(secs)));
        let started = state.attempts > 0 || state.hints_shown > 0 || state.status.is_some();
        started.then(|| Activity {
            id: id.to_string(),
            status: state.status,
            attempts: state.attempts,
            hints: state.hints_shown,
            first: time(state.started_at),
            last: time(state.last_at()),
            stuck_minutes: state.stuck_minutes(now),
        })
    }
}
