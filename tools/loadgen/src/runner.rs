//! The settings of a run and its clock.
//!
//! A run has four phases. First every connection is opened (a server that is not there is
//! a clear error, before any clock starts). Then the workers run for the warm-up, whose
//! replies are checked but not measured: caches, allocators and the CPU's clock settle.
//! Then the measured window. Then the drain: no new requests, and the ones still in flight
//! get [`DRAIN`] to come back before they count as "no reply".

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::time::Instant;

use crate::Protocol;
use crate::stats::{Recorder, RunInfo};
use crate::target;

/// The longest run `loadgen` agrees to, warm-up included: a benchmark, not a soak test.
pub const LONGEST_RUN: Duration = Duration::from_secs(5 * 60);

/// How long requests still in flight at the end may take before they count as lost.
pub const DRAIN: Duration = Duration::from_secs(2);

/// At most this many connections, and this many requests outstanding on each.
pub const MOST_CONNECTIONS: usize = 4096;
pub const MOST_PIPELINE: usize = 1024;

/// What the command line asked for, before it is checked.
#[derive(Clone, Debug)]
pub struct Options {
    /// `HOST:PORT`; must resolve to loopback.
    pub addr: String,
    pub connections: usize,
    pub pipeline: usize,
    pub warmup: Duration,
    pub duration: Duration,
}

/// Checked settings: a loopback address and bounded numbers. Only [`Options::check`]
/// makes one, so no run can start without the checks.
#[derive(Clone, Debug)]
pub struct Settings {
    addr: SocketAddr,
    connections: usize,
    pipeline: usize,
    warmup: Duration,
    duration: Duration,
}

impl Options {
    /// Resolves the address (refusing anything but loopback) and bounds the numbers.
    pub async fn check(self) -> anyhow::Result<Settings> {
        if self.duration.is_zero() {
            bail!("--duration must be longer than zero");
        }
        if self.warmup + self.duration > LONGEST_RUN {
            bail!(
                "refusing a run of {:?} (warm-up {:?} + duration {:?}): at most {:?}",
                self.warmup + self.duration,
                self.warmup,
                self.duration,
                LONGEST_RUN
            );
        }
        if !(1..=MOST_CONNECTIONS).contains(&self.connections) {
            bail!("--connections must be between 1 and {MOST_CONNECTIONS}");
        }
        if !(1..=MOST_PIPELINE).contains(&self.pipeline) {
            bail!("--pipeline must be between 1 and {MOST_PIPELINE}");
        }
        let addr = target::loopback(&self.addr).await?;
        Ok(Settings {
            addr,
            connections: self.connections,
            pipeline: self.pipeline,
            warmup: self.warmup,
            duration: self.duration,
        })
    }
}

impl Settings {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    pub fn pipeline(&self) -> usize {
        self.pipeline
    }

    /// How the run was set up, for its report.
    pub fn info(&self, protocol: Protocol) -> RunInfo {
        RunInfo {
            protocol: protocol.name(),
            addr: self.addr.to_string(),
            connections: self.connections,
            pipeline: self.pipeline,
            warmup: self.warmup,
            duration: self.duration,
            unit: "req",
        }
    }
}

// ANCHOR: schedule
/// The clock every worker of a run shares.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// The end of the warm-up: requests sent from here on are measured.
    pub measure_from: Instant,
    /// The end of the measured window: no new request is sent after it.
    pub stop_at: Instant,
    /// The end of the drain: a request still unanswered now is lost.
    pub give_up_at: Instant,
}

impl Schedule {
    fn start(settings: &Settings) -> Self {
        let measure_from = Instant::now() + settings.warmup;
        let stop_at = measure_from + settings.duration;
        Schedule {
            measure_from,
            stop_at,
            give_up_at: stop_at + DRAIN,
        }
    }

    /// Whether a request sent at `sent` and answered at `received` is part of the result:
    /// both ends inside the measured window.
    pub fn measures(&self, sent: Instant, received: Instant) -> bool {
        sent >= self.measure_from && received <= self.stop_at
    }

    /// Whether a new request may still be sent.
    pub fn sending(&self, now: Instant) -> bool {
        now < self.stop_at
    }
}
// ANCHOR_END: schedule

/// Opens `settings.connections` connections with `connect`, or says clearly why not.
pub async fn connect_all<C, F, Fut>(settings: &Settings, connect: F) -> anyhow::Result<Vec<C>>
where
    F: Fn(SocketAddr) -> Fut,
    Fut: Future<Output = anyhow::Result<C>>,
{
    let mut connections = Vec::with_capacity(settings.connections);
    for n in 0..settings.connections {
        let connection = tokio::time::timeout(Duration::from_secs(5), connect(settings.addr))
            .await
            .map_err(|_| anyhow::anyhow!("timed out after 5s"))
            .and_then(|c| c)
            .with_context(|| {
                format!(
                    "cannot open connection {} of {} to {} (is the server running?)",
                    n + 1,
                    settings.connections,
                    settings.addr
                )
            })?;
        connections.push(connection);
    }
    Ok(connections)
}

/// Starts the clock, runs `work(n, connection, schedule)` for every connection at once,
/// and merges what the workers recorded.
pub async fn run_workers<C, F, Fut>(settings: &Settings, connections: Vec<C>, work: F) -> Recorder
where
    F: Fn(usize, C, Schedule) -> Fut,
    Fut: Future<Output = Recorder> + Send + 'static,
{
    let schedule = Schedule::start(settings);
    let workers: Vec<_> = connections
        .into_iter()
        .enumerate()
        .map(|(n, connection)| tokio::spawn(work(n, connection, schedule)))
        .collect();
    let mut total = Recorder::new();
    for worker in workers {
        match worker.await {
            Ok(record) => total.merge(record),
            Err(failed) => total.error("worker failed", || failed.to_string()),
        }
    }
    total
}

/// Parses `500ms`, `2s`, `1.5s`, `3m` (a number and a unit).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 500ms, 2s or 1m"))?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "s" => number,
        "m" | "min" => number * 60.0,
        _ => {
            return Err(format!(
                "{text:?}: the unit must be ms, s or m (like 500ms, 2s, 1m)"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
}

#[cfg(test)]
mod tests;
