//! What the subscriber saw: which messages arrived, how often, and how late.
//!
//! Every message carries its number and the moment it was published, in its body. The
//! subscriber's handler reads both back, marks the number as seen, and records the time
//! since publishing in the same [`Recorder`] the request/response runs use. At the end,
//! a number never seen is a lost message, and one seen twice a doubled one: both are
//! errors of the run, counted by kind like a wrong reply.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::stats::{Recorder, Report};

/// A message's body: `<number> <nanoseconds since the run's clock started>`.
pub fn body(number: u64, clock: Instant) -> String {
    format!("{number} {}", clock.elapsed().as_nanos())
}

/// Reads a body written by [`body`]: the message's number and when it was published.
pub fn parse(body: &[u8]) -> Option<(u64, Duration)> {
    let text = std::str::from_utf8(body).ok()?;
    let (number, nanos) = text.split_once(' ')?;
    Some((
        number.parse().ok()?,
        Duration::from_nanos(nanos.parse().ok()?),
    ))
}

/// The deliveries of one run, shared by the subscriber's handler calls.
#[derive(Clone)]
pub struct Tally {
    inner: Arc<Mutex<Deliveries>>,
    /// How many distinct messages have arrived: the run waits on it.
    distinct: watch::Sender<u64>,
    clock: Instant,
}

struct Deliveries {
    /// How many times each message arrived (255 stands for "255 or more").
    seen: Vec<u8>,
    /// Messages numbered below this are the warm-up's: counted, not measured.
    measure_from: u64,
    record: Recorder,
    /// When the last message arrived for the first time.
    last: Option<Instant>,
}

impl Tally {
    /// A tally for messages `0..messages`; their bodies' times count from `clock`.
    pub fn new(messages: u64, measure_from: u64, clock: Instant) -> Tally {
        let deliveries = Deliveries {
            seen: vec![0; messages as usize],
            measure_from,
            record: Recorder::new(),
            last: None,
        };
        Tally {
            inner: Arc::new(Mutex::new(deliveries)),
            distinct: watch::Sender::new(0),
            clock,
        }
    }

    /// One delivery of a message whose body is `body`.
    pub fn delivered(&self, body: &[u8]) {
        let now = self.clock.elapsed();
        let mut d = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let Some((number, sent)) = parse(body).filter(|(n, _)| (*n as usize) < d.seen.len()) else {
            let text = String::from_utf8_lossy(&body[..body.len().min(64)]).into_owned();
            d.record.error("not one of this run's messages", || text);
            return;
        };
        let seen = &mut d.seen[number as usize];
        *seen = seen.saturating_add(1);
        if *seen > 1 {
            return; // a second delivery: counted as doubled at the end
        }
        if number >= d.measure_from {
            d.record.ok(now.saturating_sub(sent));
        } else {
            d.record.answered();
        }
        d.last = Some(Instant::now());
        drop(d);
        self.distinct.send_modify(|n| *n += 1);
    }

    /// Waits until `count` distinct messages have arrived, or `patience` has passed.
    pub async fn wait_for(&self, count: u64, patience: Duration) {
        let mut distinct = self.distinct.subscribe();
        let _ = tokio::time::timeout(patience, distinct.wait_for(|n| *n >= count)).await;
    }

    /// When the last first delivery happened, if any did.
    pub fn last_delivery(&self) -> Option<Instant> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last
    }

    /// Closes the tally: lost and doubled messages become errors of `record`, which also
    /// takes in the publishers' errors; the counts come back beside it.
    pub fn finish(self, mut publishers: Recorder) -> (Recorder, Counts) {
        let mut d = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let deliveries = std::mem::take(&mut d.seen);
        let record = std::mem::take(&mut d.record);
        drop(d);
        let mut counts = Counts {
            messages: deliveries.len() as u64,
            ..Counts::default()
        };
        for (number, &seen) in deliveries.iter().enumerate() {
            match seen {
                0 => {
                    counts.lost += 1;
                    publishers.error("lost", || format!("message {number} never arrived"));
                }
                1 => counts.delivered += 1,
                n => {
                    counts.delivered += 1;
                    counts.doubled += u64::from(n - 1);
                    let again = u64::from(n - 1);
                    publishers.errors("doubled", again, || {
                        format!("message {number} arrived {n} times")
                    });
                }
            }
        }
        publishers.merge(record);
        (publishers, counts)
    }
}

/// The counts of a run: every message is either delivered or lost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Messages published (the warm-up's included).
    pub messages: u64,
    /// Messages that arrived at least once.
    pub delivered: u64,
    /// Messages that never arrived.
    pub lost: u64,
    /// Deliveries beyond the first of a message.
    pub doubled: u64,
}

/// An events run's report: loadgen's usual [`Report`] (latencies from publishing to
/// delivery, delivered messages per second, errors), and the counts beside it.
pub struct EventsReport {
    pub report: Report,
    pub counts: Counts,
    /// Publishes the broker refused (their messages may still have arrived somewhere).
    pub not_published: u64,
}

impl EventsReport {
    /// The report as JSON: loadgen's usual keys (`requests_per_s` is delivered messages
    /// per second, so `loadgen report` reads it), and the counts.
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = self.report.to_json();
        let c = self.counts;
        json["messages"] = c.messages.into();
        json["delivered"] = c.delivered.into();
        json["lost"] = c.lost.into();
        json["doubled"] = c.doubled.into();
        json["not_published"] = self.not_published.into();
        json
    }
}

impl fmt::Display for EventsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.report)?;
        let c = self.counts;
        writeln!(
            f,
            "  messages  {} published: {} delivered, {} lost, {} doubled; {} publishes refused",
            c.messages, c.delivered, c.lost, c.doubled, self.not_published
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_and_doubled_messages_are_counted_and_add_up() {
        let clock = Instant::now();
        let tally = Tally::new(4, 1, clock);
        for number in [0, 1, 1, 3, 3, 3] {
            tally.delivered(body(number, clock).as_bytes());
        }
        tally.delivered(b"someone else's message");
        let (record, counts) = tally.finish(Recorder::new());
        let expected = Counts {
            messages: 4,
            delivered: 3,
            lost: 1,
            doubled: 3,
        };
        assert_eq!(counts, expected);
        assert_eq!(counts.delivered + counts.lost, counts.messages);
        let info = crate::stats::RunInfo {
            protocol: "events",
            addr: "nats".into(),
            connections: 1,
            pipeline: 1,
            warmup: Duration::ZERO,
            duration: Duration::from_secs(1),
            unit: "msg",
        };
        let report = Report::new(info, record);
        assert_eq!(report.requests(), 2, "message 0 is the warm-up's");
        assert_eq!(report.errors(), 1 + 3 + 1);
    }

    #[test]
    fn bodies_read_back() {
        assert_eq!(parse(b"17 2500"), Some((17, Duration::from_nanos(2500))));
        assert_eq!(parse(b"17"), None);
        assert_eq!(parse(b"x 1"), None);
    }
}
