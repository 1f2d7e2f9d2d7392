//! The verdicts waiting to be sent, one file each in `.workbook/class/outbox/`, named by
//! their number so that a listing is their order.
//!
//! One file a verdict, written whole through a temporary file and a rename: a check adds
//! one while the sender (`send.rs`, another process) takes others away, and neither ever
//! rewrites what the other is reading, so no lock is needed and no verdict is half kept.
//! The queue is bounded: past [`LIMIT`], the oldest is dropped, and the check says so in
//! one line.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use workbook_core::class::Verdict;

/// How many verdicts wait at most: a long day of checks with the server away.
pub const LIMIT: usize = 500;

/// The queue in `dir` (`.workbook/class/outbox`).
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(dir: PathBuf) -> Outbox {
        Outbox { dir }
    }

    /// Queues a verdict, numbered after every other; returns how many older ones were
    /// dropped to stay within [`LIMIT`].
    pub fn push(&self, mut verdict: Verdict) -> Result<usize> {
        fs::create_dir_all(&self.dir)
            .with_context(|| format!("creating {}", self.dir.display()))?;
        let waiting = self.numbers();
        // A number after every queued one and after the clock's, so that a verdict sent
        // again is the same number and a new one never is.
        let last = waiting.last().copied().unwrap_or(0);
        verdict.seq = verdict.seq.max(last + 1);
        let text = serde_json::to_string(&verdict).context("serialising a verdict")?;
        let temporary = self.dir.join(format!(".{}.tmp", verdict.seq));
        fs::write(&temporary, text).with_context(|| format!("writing {}", temporary.display()))?;
        fs::rename(&temporary, self.path(verdict.seq))
            .with_context(|| format!("writing {}", self.path(verdict.seq).display()))?;
        let over = (waiting.len() + 1).saturating_sub(LIMIT);
        for seq in waiting.iter().take(over) {
            let _ = fs::remove_file(self.path(*seq));
        }
        Ok(over)
    }

    /// The first `count` verdicts waiting, oldest first. A file that cannot be read (cut
    /// by a full disk) is dropped: it would otherwise stop the queue for good.
    pub fn first(&self, count: usize) -> Vec<Verdict> {
        let mut verdicts = Vec::new();
        for seq in self.numbers() {
            if verdicts.len() == count {
                break;
            }
            let path = self.path(seq);
            match fs::read_to_string(&path)
                .ok()
                .and_then(|text| serde_json::from_str::<Verdict>(&text).ok())
            {
                Some(verdict) => verdicts.push(verdict),
                None => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        verdicts
    }

    /// Takes the verdicts numbered `seqs` away: sent, or refused for good.
    pub fn remove(&self, seqs: impl IntoIterator<Item = u64>) {
        for seq in seqs {
            let _ = fs::remove_file(self.path(seq));
        }
    }

    /// How many verdicts wait.
    pub fn len(&self) -> usize {
        self.numbers().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every queued verdict's number, in order.
    fn numbers(&self) -> Vec<u64> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut numbers: Vec<u64> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name();
                name.to_str()?.strip_suffix(".json")?.parse().ok()
            })
            .collect();
        numbers.sort_unstable();
        numbers
    }

    fn path(&self, seq: u64) -> PathBuf {
        self.dir.join(format!("{seq:020}.json"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(exercise: &str) -> Verdict {
        Verdict {
            seq: 0,
            exercise: exercise.to_string(),
            passed: false,
            test: None,
            message: None,
            hints: 0,
            at_ms: 1,
            current: true,
            untouched: false,
        }
    }

    #[test]
    fn keeps_verdicts_in_order_and_drops_the_oldest_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::new(dir.path().join("outbox"));
        assert_eq!(outbox.push(verdict("a.one")).unwrap(), 0);
        assert_eq!(outbox.push(verdict("a.two")).unwrap(), 0);
        let first = outbox.first(10);
        assert_eq!(first.len(), 2);
        assert!(first[0].seq < first[1].seq);
        assert_eq!(first[0].exercise, "a.one");
        outbox.remove([first[0].seq]);
        assert_eq!(outbox.first(10)[0].exercise, "a.two");

        for _ in 0..LIMIT - 1 {
            assert_eq!(outbox.push(verdict("a.more")).unwrap(), 0);
        }
        assert_eq!(outbox.len(), LIMIT);
        assert_eq!(outbox.push(verdict("a.last")).unwrap(), 1);
        assert_eq!(outbox.len(), LIMIT);
        assert_eq!(outbox.first(1)[0].exercise, "a.more", "the oldest went");
    }
}
