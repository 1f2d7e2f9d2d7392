//! The learner's progress, and the pristine copy of every exercise file.
//!
//! Both live under `.workbook/` at the workspace root, which git ignores: the progress in
//! `state.toml`, keyed by exercise id so that renumbering lesson folders loses nothing, and
//! the stubs in `stubs/<exercise id>.<ext>` so that `reset` can bring a file back even
//! where there is no git history.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use workbook_core::course::STATE_DIR;
use workbook_core::course::{Course, Exercise, Lesson};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseState {
    /// The result of the last check, if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Once an exercise has passed, its solution stays unlocked.
    #[serde(default)]
    pub ever_passed: bool,
    /// How many hints `hint` has shown so far.
    #[serde(default)]
    pub hints_shown: usize,
    /// Unix seconds of the last check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<u64>,
    /// How many times it has been checked.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempts: u32,
    /// Unix seconds of the first check or hint: when the learner started on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<u64>,
    /// Unix seconds of the last hint shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hinted_at: Option<u64>,
    /// Unix seconds of the first failing check since it last passed: failing since then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<u64>,
}

fn is_zero(count: &u32) -> bool {
    *count == 0
}

/// The time now, in unix seconds, as the state file keeps times.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl ExerciseState {
    /// Unix seconds of the last check or hint.
    pub fn last_at(&self) -> Option<u64> {
        self.checked_at.max(self.hinted_at)
    }

    /// Minutes failing, as of `at` (unix seconds): `None` unless the last check failed.
    pub fn stuck_minutes(&self, at: u64) -> Option<u64> {
        match (self.status, self.failing_since) {
            (Some(Status::Failed), Some(since)) => Some(at.saturating_sub(since) / 60),
            _ => None,
        }
    }

    /// Notes a hint shown at `at`.
    pub fn hinted(&mut self, at: u64) {
        self.hinted_at = Some(at);
        self.started_at.get_or_insert(at);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The language `workbook lang` remembers (`en`, `zh-CN`); see `workbook_core::language`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// This copy of the course's own id, made the first time a report is written: it tells
    /// two learners of the same name apart in `report --class`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learner_id: Option<String>,
    #[serde(default, rename = "exercise")]
    pub exercises: BTreeMap<String, ExerciseState>,
}

impl State {
    pub fn path(root: &Path) -> PathBuf {
        root.join(STATE_DIR).join("state.toml")
    }

    /// Reads the state file; a missing file is a fresh start.
    pub fn load(root: &Path) -> Result<State> {
        let path = State::path(root);
        match fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).with_context(|| {
                format!(
                    "{} is damaged; fix it or delete it to start over",
                    path.display()
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Writes the state file whole, through a temporary file, so that an interrupted
    /// write never leaves half a file behind.
    pub fn save(&self, root: &Path) -> Result<()> {
        let path = State::path(root);
        let dir = path.parent().expect("state file has a parent");
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut text = String::from(
            "# Progress through the course, kept by `cargo run -p workbook`.\n\
             # Keyed by exercise id; delete this file to start over.\n\n",
        );
        text.push_str(&toml::to_string(self).context("serialising the progress")?);
        let temporary = dir.join("state.toml.tmp");
        fs::write(&temporary, text).with_context(|| format!("writing {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("writing {}", path.display()))
    }

    /// This copy's learner id, made (and saved) the first time it is asked for: 16 hex
    /// digits from the standard library's randomly keyed hasher, the time and the process.
    pub fn learner_id(&mut self, root: &Path) -> Result<String> {
        if let Some(id) = &self.learner_id {
            return Ok(id.clone());
        }
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        hasher.write_u128(now.as_nanos());
        hasher.write_u32(std::process::id());
        let id = format!("{:016x}", hasher.finish());
        self.learner_id = Some(id.clone());
        self.save(root)?;
        Ok(id)
    }

    pub fn get(&self, id: &str) -> ExerciseState {
        self.exercises.get(id).cloned().unwrap_or_default()
    }

    pub fn entry(&mut self, id: &str) -> &mut ExerciseState {
        self.exercises.entry(id.to_string()).or_default()
    }

    pub fn is_done(&self, id: &str) -> bool {
        self.exercises
            .get(id)
            .is_some_and(|e| e.status == Some(Status::Passed))
    }

    /// Records the result of a check.
    pub fn record(&mut self, id: &str, passed: bool) {
        self.record_at(id, passed, now());
    }

    /// Records the result of a check made at `at` (unix seconds).
    pub fn record_at(&mut self, id: &str, passed: bool, at: u64) {
        let entry = self.entry(id);
        if passed {
            entry.failing_since = None;
        } else if entry.status != Some(Status::Failed) || entry.failing_since.is_none() {
            entry.failing_since = Some(at);
        }
        entry.status = Some(if passed {
            Status::Passed
        } else {
            Status::Failed
        });
        entry.ever_passed |= passed;
        entry.checked_at = Some(at);
        entry.attempts += 1;
        entry.started_at.get_or_insert(at);
    }

    /// (done, total) over the given exercises.
    pub fn progress<'a>(
        &self,
        exercises: impl IntoIterator<Item = &'a Exercise>,
    ) -> (usize, usize) {
        exercises.into_iter().fold((0, 0), |(done, total), ex| {
            (done + usize::from(self.is_done(&ex.id)), total + 1)
        })
    }

    /// The first exercise not yet done, in course order.
    pub fn current<'c>(&self, course: &'c Course) -> Option<(&'c Lesson, &'c Exercise)> {
        course.exercises().find(|(_, ex)| !self.is_done(&ex.id))
    }
}

fn snapshot_path(root: &Path, exercise: &Exercise) -> PathBuf {
    let extension = exercise
        .file
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    root.join(STATE_DIR)
        .join("stubs")
        .join(format!("{}{extension}", exercise.id))
}

/// The committed version of a file, if the repository has one.
fn git_head_version(root: &Path, relative: &Path) -> Option<String> {
    let spec = format!("HEAD:{}", relative.to_string_lossy().replace('\\', "/"));
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &spec])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Copies every exercise file that is still untouched to `.workbook/stubs/`.
///
/// "Untouched" means: identical to the committed version where git has one; otherwise
/// still holding its `todo!(` and never passed. A snapshot is taken once; it is only
/// replaced when the file, newer than the snapshot, again equals the committed version
/// (the course itself was updated).
pub fn snapshot_stubs(course: &Course, state: &State) -> Result<()> {
    for (lesson, exercise) in course.exercises() {
        let file = lesson.exercise_path(exercise);
        let snapshot = snapshot_path(&course.root, exercise);
        let snapshot_time = fs::metadata(&snapshot).and_then(|m| m.modified()).ok();
        let file_time = fs::metadata(&file).and_then(|m| m.modified()).ok();
        if let (Some(taken), Some(changed)) = (snapshot_time, file_time)
            && changed <= taken
        {
            continue;
        }
        let Ok(current) = fs::read_to_string(&file) else {
            continue;
        };
        if !current.contains("TODO") {
            continue;
        }
        let relative = course.relative(&file).to_path_buf();
        let untouched = match git_head_version(&course.root, &relative) {
            Some(committed) => committed == current,
            None => {
                snapshot_time.is_none()
                    && current.contains("todo!(")
                    && !state.get(&exercise.id).ever_passed
            }
        };
        if untouched {
            let dir = snapshot.parent().expect("snapshot has a parent");
            fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            fs::write(&snapshot, current)
                .with_context(|| format!("writing {}", snapshot.display()))?;
        }
    }
    Ok(())
}

/// The pristine text of an exercise file: the snapshot, or else the committed version.
pub fn stub_source(course: &Course, lesson: &Lesson, exercise: &Exercise) -> Option<String> {
    if let Ok(text) = fs::read_to_string(snapshot_path(&course.root, exercise)) {
        return Some(text);
    }
    let relative = course
        .relative(&lesson.exercise_path(exercise))
        .to_path_buf();
    git_head_version(&course.root, &relative)
}

/// Whether the exercise's file is still its stub, as the course gave it: not started.
pub fn is_untouched(course: &Course, lesson: &Lesson, exercise: &Exercise) -> bool {
    let Ok(current) = fs::read_to_string(lesson.exercise_path(exercise)) else {
        return false;
    };
    stub_source(course, lesson, exercise).is_some_and(|stub| stub == current)
}

#[cfg(test)]
mod tests;
