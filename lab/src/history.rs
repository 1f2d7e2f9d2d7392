//! What a load saw, call by call, and what the nemesis did meanwhile: the history.
//!
//! A fault on a real network is easy to cause and hard to read. "It failed for a while" is
//! not an answer; "calls through host-a failed from 12.4 s to 14.9 s, while the lease of
//! host-b's node ran out" is. So the load writes down every call it makes (when, how long,
//! who answered or why nothing did) and the nemesis writes down every fault (what, from
//! when, until when). The report and the timeline picture are functions of these records
//! alone, so a run can be read again, drawn again, or checked by a test.
//!
//! Both are kept as JSON lines: one record per line, easy to `grep`, `jq` and append to.

use std::io::{BufRead, Write};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

// ANCHOR: call
/// One call the load made through a gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// When it was sent, counted from the load's start.
    #[serde(rename = "at_ms", with = "millis")]
    pub at: Duration,
    /// How long until it was answered or failed.
    #[serde(rename = "latency_ms", with = "millis")]
    pub latency: Duration,
    /// Who answered, or why nobody did.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A host's service answered: the host's name (`host-b`).
    Answered(String),
    /// No answer: what the gateway or the network said instead, and which gateway had the
    /// call (`503 (gateway 10.14.0.11:8080): …`, `timed out (gateway 10.14.0.12:8080)`).
    Failed(String),
}
// ANCHOR_END: call

/// An answer this late is told apart from the quick ones, in the report and the picture: on
/// the lab a call through the gateway takes a few milliseconds, so one of 100 ms waited for
/// something (a try that timed out, a slow link).
pub const SLOW: Duration = Duration::from_millis(100);

impl Call {
    /// Whether a service answered it.
    pub fn answered(&self) -> bool {
        matches!(self.outcome, Outcome::Answered(_))
    }

    /// Whether it was answered, after [`SLOW`] or more.
    pub fn slow(&self) -> bool {
        self.answered() && self.latency >= SLOW
    }
}

// ANCHOR: fault
/// One thing the nemesis (or a person at `docker`) did to the lab, and for how long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// What it was, as a person would say it: `partition host-c`, `kill host-b`.
    pub what: String,
    /// When it began, as wall-clock milliseconds since the Unix epoch: the nemesis and the
    /// load are separate processes, and the clock is what they share.
    pub from_unix_ms: u64,
    /// When it was undone (`heal`), or `None` while it lasts.
    pub to_unix_ms: Option<u64>,
}
// ANCHOR_END: fault

/// Now, in the journal's clock: milliseconds since the Unix epoch.
pub fn unix_ms(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis() as u64)
        .unwrap_or(0)
}

/// `duration` to the microsecond, as the history keeps it: a call read back from the file
/// is then the call that was written.
pub fn to_micros(duration: Duration) -> Duration {
    Duration::from_micros(duration.as_micros() as u64)
}

/// Before a new history is written at `path`: an earlier one there is kept, renamed to the
/// first free `NAME-N.EXT` beside it (`history-1.jsonl`, `history-2.jsonl`…), and that name
/// returned, so that a second run never takes the first one's place without a word. A
/// folder at `path` is refused, not moved: it is the person's, not a history.
pub fn keep_earlier(path: &Path) -> anyhow::Result<Option<std::path::PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    anyhow::ensure!(
        !path.is_dir(),
        "{} is a folder: --history names the file the calls are written to (e.g. {})",
        path.display(),
        path.join("history.jsonl").display()
    );
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let extension = path
        .extension()
        .map(|extension| format!(".{}", extension.to_string_lossy()))
        .unwrap_or_default();
    for number in 1..10_000 {
        let kept = path.with_file_name(format!("{stem}-{number}{extension}"));
        if !kept.exists() {
            std::fs::rename(path, &kept)
                .with_context(|| format!("cannot keep {} as {}", path.display(), kept.display()))?;
            return Ok(Some(kept));
        }
    }
    anyhow::bail!(
        "{} and 9999 earlier histories beside it: move them away, or give --history",
        path.display()
    )
}

/// Appends `record` to the JSON-lines file at `path` (created with its folder if missing).
pub fn append<T: Serialize>(path: &Path, record: &T) -> anyhow::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut line = serde_json::to_vec(record)?;
    line.push(b'\n');
    file.write_all(&line)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Every record of the JSON-lines file at `path`; no file is no records. A line that does
/// not parse is an error naming the file and the line.
pub fn read_all<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut records = Vec::new();
    for (number, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a record", path.display(), number + 1))?;
        records.push(record);
    }
    Ok(records)
}

/// Writes down in the nemesis's journal that the fault `what` begins now.
pub fn begin_fault(journal: &Path, what: &str) -> anyhow::Result<()> {
    let fault = Fault {
        what: what.to_string(),
        from_unix_ms: unix_ms(SystemTime::now()),
        to_unix_ms: None,
    };
    append(journal, &fault)
}

// ANCHOR: close_faults
/// Marks every fault of the journal that has not ended as ended at `now`; how many. The
/// journal is written anew beside the old one and then put in its place, so a reader never
/// sees half of it.
pub fn close_open_faults(journal: &Path, now: u64) -> anyhow::Result<usize> {
    let mut faults: Vec<Fault> = read_all(journal)?;
    let mut closed = 0;
    for fault in faults.iter_mut().filter(|fault| fault.to_unix_ms.is_none()) {
        fault.to_unix_ms = Some(now.max(fault.from_unix_ms));
        closed += 1;
    }
    if closed == 0 {
        return Ok(0);
    }
    let mut text = Vec::new();
    for fault in &faults {
        serde_json::to_writer(&mut text, fault)?;
        text.push(b'\n');
    }
    let fresh = journal.with_extension("jsonl.new");
    let mut file = std::fs::File::create(&fresh)
        .with_context(|| format!("cannot write {}", fresh.display()))?;
    file.write_all(&text)
        .with_context(|| format!("cannot write {}", fresh.display()))?;
    std::fs::rename(&fresh, journal)
        .with_context(|| format!("cannot replace {}", journal.display()))?;
    Ok(closed)
}
// ANCHOR_END: close_faults

/// A `Duration` as a number of milliseconds, with a fraction: `12.5`.
mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        // Microseconds are plenty for a network call; fewer digits keep the file readable.
        let millis = (duration.as_micros() as f64) / 1000.0;
        serializer.serialize_f64(millis)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let millis = f64::deserialize(deserializer)?;
        if !(0.0..=1e12).contains(&millis) {
            return Err(serde::de::Error::custom(format!(
                "{millis} is not a duration in milliseconds"
            )));
        }
        Ok(Duration::from_micros((millis * 1000.0).round() as u64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heal_ends_every_open_fault_and_keeps_the_ended_ones() {
        let folder = std::env::temp_dir().join(format!("l14-journal-{}", std::process::id()));
        let journal = folder.join("faults.jsonl");
        let _ = std::fs::remove_dir_all(&folder);
        let ended = Fault {
            what: "partition host-a".into(),
            from_unix_ms: 10,
            to_unix_ms: Some(20),
        };
        let open = Fault {
            what: "partition host-c".into(),
            from_unix_ms: 30,
            to_unix_ms: None,
        };
        append(&journal, &ended).unwrap();
        append(&journal, &open).unwrap();
        assert_eq!(close_open_faults(&journal, 40).unwrap(), 1);
        let faults: Vec<Fault> = read_all(&journal).unwrap();
        assert_eq!(faults[0], ended);
        assert_eq!(faults[1].to_unix_ms, Some(40));
        assert_eq!(close_open_faults(&journal, 50).unwrap(), 0);
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
