//! Refusals in the log, at a pace no caller sets.
//!
//! A server that logs one line for each refusal lets whoever it refuses decide how fast its
//! log grows: a script that opens a thousand connections a second writes a thousand lines a
//! second into it, which fill the disk, bury the lines that matter, and cost more than the
//! refusals themselves. So the first few refusals of an address in each interval are
//! logged one line each, as they come (who, and why: what an operator reads), and the rest
//! are counted; when the interval ends, one line says how many more there were:
//!
//! ```text
//! WARN refused 127.0.0.1:50312: it does not speak TLS (a plaintext client on a TLS port?)
//! … (four more lines like it)
//! WARN … and 412 more refusals from 127.0.0.1 in the last 10 s
//! ```
//!
//! An address that keeps it up costs a few lines an interval, whatever its pace, and
//! another address's first refusal is still logged at once. The counts have a bound too:
//! past so many addresses in one interval, the others' refusals are counted together.

use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many refusals of one address are logged one by one in each interval.
pub const FEW: usize = 5;

/// How long an interval is, unless a server says otherwise.
pub const EVERY: Duration = Duration::from_secs(10);

/// How many addresses are counted one by one in an interval; the rest together.
pub const ADDRESSES: usize = 1024;

/// The refusals of the interval under way, by address.
pub struct RefusalLog<K> {
    /// What is refused, in the line of counts (`refusals`, `logins`).
    what: &'static str,
    every: Duration,
    counts: Mutex<Counts<K>>,
    /// Where the lines go: the log, or a test's list.
    write: Box<dyn Fn(String) + Send + Sync>,
}

struct Counts<K> {
    /// Each address's refusals this interval: how many were logged, how many counted.
    from: HashMap<K, (usize, u64)>,
    /// The refusals of the addresses past [`ADDRESSES`], counted together.
    others: u64,
}

impl<K> Default for Counts<K> {
    fn default() -> Counts<K> {
        Counts {
            from: HashMap::new(),
            others: 0,
        }
    }
}

impl<K: Hash + Eq + Display + Send + 'static> RefusalLog<K> {
    /// A log of refusals written as `warn` lines, its counts written every `every` by a
    /// task of its own (on the tokio runtime this is called on) while the log is in use.
    pub fn start(what: &'static str, every: Duration) -> Arc<RefusalLog<K>> {
        RefusalLog::start_writing(what, every, |line| tracing::warn!("{line}"))
    }

    fn start_writing(
        what: &'static str,
        every: Duration,
        write: impl Fn(String) + Send + Sync + 'static,
    ) -> Arc<RefusalLog<K>> {
        let log = Arc::new(RefusalLog {
            what,
            every,
            counts: Mutex::new(Counts::default()),
            write: Box::new(write),
        });
        let weak = Arc::downgrade(&log);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                // The log's last user has gone: nothing more to count (its counts were
                // written when it was dropped).
                let Some(log) = weak.upgrade() else { return };
                log.write_counts();
            }
        });
        log
    }

    // ANCHOR: refused
    /// A refusal of `from`: `line` is logged if it is one of the first few of `from` in
    /// this interval, and counted if not.
    pub fn refused(&self, from: K, line: impl Display) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let known = counts.from.len();
        let logged = match counts.from.get_mut(&from) {
            Some((logged, more)) if *logged >= FEW => {
                *more += 1;
                false
            }
            Some((logged, _)) => {
                *logged += 1;
                true
            }
            None if known >= ADDRESSES => {
                counts.others += 1;
                false
            }
            None => {
                counts.from.insert(from, (1, 0));
                true
            }
        };
        drop(counts);
        if logged {
            (self.write)(line.to_string());
        }
    }
    // ANCHOR_END: refused

    /// Writes the interval's counts, one line an address that had more than a few, and
    /// starts the next interval.
    fn write_counts(&self) {
        let counts = std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()));
        let (what, secs) = (self.what, self.every.as_secs_f64());
        for (from, (_, more)) in counts.from {
            if more > 0 {
                (self.write)(format!(
                    "… and {more} more {what} from {from} in the last {secs} s"
                ));
            }
        }
        if counts.others > 0 {
            (self.write)(format!(
                "… and {} more {what} from other addresses in the last {secs} s",
                counts.others
            ));
        }
    }
}

impl<K> Drop for RefusalLog<K> {
    fn drop(&mut self) {
        // The counts of the interval cut short are still said. (`write_counts` needs the
        // key's bounds; a drop has none, so it is written out here.)
        let counts = std::mem::take(&mut *self.counts.lock().unwrap_or_else(|e| e.into_inner()));
        let more: u64 = counts.from.values().map(|(_, more)| more).sum::<u64>() + counts.others;
        if more > 0 {
            (self.write)(format!("… and {more} more {} before the end", self.what));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    type Lines = Arc<Mutex<Vec<String>>>;

    fn log(every: Duration) -> (Arc<RefusalLog<IpAddr>>, Lines) {
        let lines = Lines::default();
        let written = lines.clone();
        let log = RefusalLog::start_writing("refusals", every, move |line| {
            written.lock().unwrap().push(line)
        });
        (log, lines)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn a_flood_from_one_address_is_a_few_lines_and_a_count() {
        let (log, lines) = log(Duration::from_secs(10));
        for n in 0..1000 {
            log.refused(ip("127.0.0.1"), format!("refused number {n}"));
        }
        log.refused(ip("127.0.0.2"), "refused another");
        assert_eq!(lines.lock().unwrap().len(), FEW + 1, "{:?}", lines.lock());
        // The interval ends (the paused clock moves on by itself while the test waits).
        tokio::time::sleep(Duration::from_secs(11)).await;
        let lines = lines.lock().unwrap().clone();
        assert_eq!(
            lines.last().map(String::as_str),
            Some("… and 995 more refusals from 127.0.0.1 in the last 10 s"),
            "{lines:#?}"
        );
        assert_eq!(lines.len(), FEW + 2, "{lines:#?}");
    }

    #[tokio::test(start_paused = true)]
    async fn each_interval_logs_an_address_s_first_few_again() {
        let (log, lines) = log(Duration::from_secs(10));
        for _ in 0..FEW {
            log.refused(ip("127.0.0.1"), "refused");
        }
        tokio::time::sleep(Duration::from_secs(11)).await;
        log.refused(ip("127.0.0.1"), "refused again");
        let lines = lines.lock().unwrap().clone();
        assert_eq!(lines.len(), FEW + 1, "no count line for none: {lines:#?}");
        assert_eq!(lines.last().map(String::as_str), Some("refused again"));
    }

    #[tokio::test(start_paused = true)]
    async fn past_so_many_addresses_the_rest_are_counted_together() {
        let (log, lines) = log(Duration::from_secs(10));
        for n in 0..(ADDRESSES as u32 + 3) {
            let from = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000_u32 + n));
            log.refused(from, "refused");
        }
        drop(log);
        let lines = lines.lock().unwrap().clone();
        assert_eq!(lines.len(), ADDRESSES + 1, "{:#?}", &lines[ADDRESSES..]);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("… and 3 more refusals before the end")
        );
    }
}
