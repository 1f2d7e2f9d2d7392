//! What the run measured, as a teacher would ask for it: joins, ingest, verdict to
//! dashboard, the page's drawing, the server's memory, and the database's bytes per
//! verdict; with `--flood`, what the script in the room did.

use std::path::Path;
use std::time::Duration;

use crate::learners::{Ingest, Sent};
use crate::page::Drawn;

/// Everything the run measured, once the server has stopped.
pub struct Figures {
    /// The room: how many learners, dashboards and exercises.
    pub learners: usize,
    pub pages: usize,
    pub exercises: usize,
    /// What every client process's learners measured.
    pub sent: Sent,
    /// From each verdict's sending to each dashboard showing it.
    pub shown: Vec<Duration>,
    pub drawn: Drawn,
    /// The server's resident set, the most a sample saw, and its peak (VmHWM), in KiB.
    pub peak_rss: u64,
    pub hwm: u64,
    /// What the script in the room did, with `--flood`.
    pub flood: Option<String>,
}

/// Prints the figures, with the bytes of the class's database in `dir` per verdict.
pub fn print(figures: Figures, dir: &Path) {
    let Figures {
        learners,
        pages,
        exercises,
        sent:
            Sent {
                mut joins,
                ingest: requests,
                refused,
            },
        mut shown,
        drawn: Drawn {
            updates: mut drawn,
            mut whole,
        },
        peak_rss,
        hwm,
        flood,
    } = figures;
    joins.sort();
    let mut ingest: Vec<Duration> = requests.iter().map(|request| request.took).collect();
    ingest.sort();
    shown.sort();
    let kept = ingest.len() as u64;
    // The database as it rests: its write-ahead log folded in (the server's last commits
    // may still be in it), then its files' size over the verdicts it holds.
    let database = dir.join("class.sqlite");
    let rows: i64 = {
        let connection = rusqlite::Connection::open(&database).expect("the class's database");
        connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("a checkpoint");
        connection
            .query_row("SELECT COUNT(*) FROM verdict", [], |row| row.get(0))
            .expect("a count")
    };
    let bytes = folder_bytes(dir);
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    if let Some(flood) = flood {
        println!("flooded:             {flood}");
    }
    println!(
        "joins:               median {}, p99 {}, worst {} ({} learners)",
        ms(percentile(&joins, 0.5)),
        ms(percentile(&joins, 0.99)),
        ms(percentile(&joins, 1.0)),
        joins.len()
    );
    println!(
        "verdicts kept:       {kept} acknowledged, {rows} in the database ({refused} refused)"
    );
    println!(
        "ingest:              median {}, p99 {}, worst {}",
        ms(percentile(&ingest, 0.5)),
        ms(percentile(&ingest, 0.99)),
        ms(percentile(&ingest, 1.0))
    );
    tail(&requests);
    println!(
        "verdict → dashboard: median {}, p99 {}, worst {} ({} of {} seen, {} pages)",
        ms(percentile(&shown, 0.5)),
        ms(percentile(&shown, 0.99)),
        ms(percentile(&shown, 1.0)),
        shown.len(),
        kept as usize * pages,
        pages
    );
    drawn.sort_by(f64::total_cmp);
    if !drawn.is_empty() {
        println!(
            "page drawn (Chromium): median {:.1} ms, worst {:.1} ms ({} rows, {} exercises, {} samples)",
            drawn[drawn.len() / 2],
            drawn[drawn.len() - 1],
            learners,
            exercises,
            drawn.len()
        );
    }
    whole.sort_by(f64::total_cmp);
    if !whole.is_empty() {
        println!(
            "page drawn whole:    median {:.1} ms, worst {:.1} ms ({} samples)",
            whole[whole.len() / 2],
            whole[whole.len() - 1],
            whole.len()
        );
    }
    println!(
        "server memory:       {:.1} MiB at most (resident, sampled), {:.1} MiB peak (VmHWM)",
        peak_rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    println!(
        "database:            {bytes} bytes, {:.0} bytes per verdict",
        bytes as f64 / rows.max(1) as f64
    );
}

/// Where the slowest verdicts' time went, against every verdict's: the mean of each part
/// of a request, for the slowest 1 % (at or over the p99) and for all. The parts: the
/// connection made; in the server's handler, the body read, the wait in line for the
/// writer, the group's commit (which waits for the disk), the pages told, and the rest of
/// the handler (a task ready but not yet run, on a busy machine); and outside the handler,
/// the door's, HTTP's and the client's own time.
fn tail(requests: &[Ingest]) {
    if requests.is_empty() {
        return;
    }
    let mut sorted = requests.to_vec();
    sorted.sort_by_key(|request| request.took);
    let from = ((sorted.len() as f64 * 0.99).ceil() as usize).clamp(1, sorted.len()) - 1;
    let slowest = &sorted[from..];
    let say = |of: &[Ingest]| {
        let mean = |part: &dyn Fn(&Ingest) -> Duration| {
            let all: Duration = of.iter().map(part).sum();
            format!("{:.1}", all.as_secs_f64() * 1000.0 / of.len() as f64)
        };
        let group = of.iter().map(|r| f64::from(r.group)).sum::<f64>() / of.len() as f64;
        format!(
            "{} ms = connect {} + door and HTTP {} + handler {} (body {}, in line for the writer {}, commit {} in groups of {group:.1}, pages told {}, waiting to run {})",
            mean(&|r| r.took),
            mean(&|r| r.connect),
            mean(&|r| r.took.saturating_sub(r.connect + r.handler)),
            mean(&|r| r.handler),
            mean(&|r| r.read),
            mean(&|r| r.queue),
            mean(&|r| r.commit),
            mean(&|r| r.show),
            mean(&|r| r
                .handler
                .saturating_sub(r.read + r.queue + r.commit + r.show)),
        )
    };
    println!(
        "  the slowest 1 % ({}), means: {}",
        slowest.len(),
        say(slowest)
    );
    println!("  every verdict, means:     {}", say(&sorted));
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at]
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| entry.metadata().ok())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}
