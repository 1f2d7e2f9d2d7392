//! What a run saw: latencies, errors, and the report printed at the end.
//!
//! Every worker records into its own [`Recorder`], so recording is a plain `&mut` call with
//! no lock between workers; the runner merges them when the run is over. Latencies go into
//! an HDR histogram: it keeps every value to 3 significant digits in a fixed amount of
//! memory, so p99.9 of millions of requests is exact to 0.1 % and costs nothing to keep.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::json;

/// The longest latency the histogram holds (longer ones are recorded as this).
const LONGEST: Duration = Duration::from_secs(60);

/// How many distinct kinds of error a report names (the rest are counted as "other").
const KINDS_KEPT: usize = 16;

// ANCHOR: recorder
/// One worker's record: the latency of each good reply inside the measured window, and
/// every error, whenever it happened.
pub struct Recorder {
    /// Nanoseconds from writing a request to reading its checked reply.
    latencies: Histogram<u64>,
    /// Right replies over the whole run, warm-up and drain included.
    answered: u64,
    errors: Errors,
}

impl Recorder {
    pub fn new() -> Self {
        let latencies = Histogram::new_with_bounds(1, LONGEST.as_nanos() as u64, 3)
            .expect("the bounds are valid");
        Recorder {
            latencies,
            answered: 0,
            errors: Errors::default(),
        }
    }

    /// A right reply outside the measured window: counted, not measured.
    pub fn answered(&mut self) {
        self.answered += 1;
    }

    /// A right reply inside the measured window, which took `latency`.
    pub fn ok(&mut self, latency: Duration) {
        self.answered += 1;
        self.latencies.saturating_record(latency.as_nanos() as u64);
    }

    /// A wrong reply, or no reply: `kind` groups it in the report, `example` says what
    /// happened (it is only called for the first error of each kind).
    pub fn error(&mut self, kind: &'static str, example: impl FnOnce() -> String) {
        self.errors.add(kind, 1, example);
    }

    /// `count` errors of one kind at once (e.g. every request lost with a connection).
    pub fn errors(&mut self, kind: &'static str, count: u64, example: impl FnOnce() -> String) {
        if count > 0 {
            self.errors.add(kind, count, example);
        }
    }

    /// Adds another worker's record to this one.
    pub fn merge(&mut self, other: Recorder) {
        self.latencies
            .add(&other.latencies)
            .expect("histograms of the same bounds");
        self.answered += other.answered;
        let uncounted = other.errors.total - other.errors.counted_in_kinds();
        for (kind, (count, example)) in other.errors.kinds {
            self.errors.add(kind, count, || example);
        }
        self.errors.total += uncounted;
    }
}
// ANCHOR_END: recorder

impl Recorder {
    /// How many errors this record holds, of every kind.
    pub fn error_total(&self) -> u64 {
        self.errors.total
    }
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

/// Errors counted by kind, each with the first example seen.
#[derive(Default)]
struct Errors {
    total: u64,
    kinds: BTreeMap<&'static str, (u64, String)>,
}

impl Errors {
    fn add(&mut self, kind: &'static str, count: u64, example: impl FnOnce() -> String) {
        self.total += count;
        if let Some((n, _)) = self.kinds.get_mut(kind) {
            *n += count;
        } else if self.kinds.len() < KINDS_KEPT {
            self.kinds.insert(kind, (count, example()));
        }
    }

    fn counted_in_kinds(&self) -> u64 {
        self.kinds.values().map(|(n, _)| n).sum()
    }
}

/// How a run was set up, for the report.
#[derive(Clone, Debug)]
pub struct RunInfo {
    pub protocol: &'static str,
    pub addr: String,
    pub connections: usize,
    /// Requests outstanding per connection (concurrent calls per connection for gRPC).
    pub pipeline: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// What one count is: `req` (a request answered) or `msg` (an event delivered).
    pub unit: &'static str,
}

/// The result of one run.
pub struct Report {
    pub info: RunInfo,
    record: Recorder,
}

impl Report {
    pub fn new(info: RunInfo, record: Recorder) -> Self {
        Report { info, record }
    }

    /// Right replies to requests sent and answered inside the measured window.
    pub fn requests(&self) -> u64 {
        self.record.latencies.len()
    }

    /// Right replies over the whole run, warm-up included (to divide the server's CPU time
    /// by, when it is measured over the whole run).
    pub fn replies_total(&self) -> u64 {
        self.record.answered
    }

    pub fn requests_per_second(&self) -> f64 {
        self.requests() as f64 / self.info.duration.as_secs_f64()
    }

    /// Wrong replies and lost requests over the whole run (warm-up included).
    pub fn errors(&self) -> u64 {
        self.record.errors.total
    }

    /// Each kind of error with its count and first example, e.g.
    /// `("wrong reply", 3, "expected …, got …")`.
    pub fn error_kinds(&self) -> Vec<(&'static str, u64, &str)> {
        let kinds = &self.record.errors.kinds;
        let mut list: Vec<_> = kinds
            .iter()
            .map(|(k, (n, e))| (*k, *n, e.as_str()))
            .collect();
        let other = self.errors() - self.record.errors.counted_in_kinds();
        if other > 0 {
            list.push(("other", other, ""));
        }
        list
    }

    /// The latency at quantile `q` (0.5 for the median, 0.99 for p99).
    pub fn latency(&self, q: f64) -> Duration {
        Duration::from_nanos(self.record.latencies.value_at_quantile(q))
    }

    pub fn max_latency(&self) -> Duration {
        Duration::from_nanos(self.record.latencies.max())
    }

    /// The report as JSON, for scripts (`--json`).
    pub fn to_json(&self) -> serde_json::Value {
        let micros = |d: Duration| (d.as_nanos() as f64 / 1000.0 * 10.0).round() / 10.0;
        let errors: Vec<_> = self
            .error_kinds()
            .into_iter()
            .map(|(kind, count, example)| json!({"kind": kind, "count": count, "example": example}))
            .collect();
        json!({
            "protocol": self.info.protocol,
            "addr": self.info.addr,
            "connections": self.info.connections,
            "pipeline": self.info.pipeline,
            "warmup_s": self.info.warmup.as_secs_f64(),
            "duration_s": self.info.duration.as_secs_f64(),
            "requests": self.requests(),
            "replies_total": self.replies_total(),
            "requests_per_s": self.requests_per_second().round(),
            "latency_us": {
                "p50": micros(self.latency(0.5)),
                "p99": micros(self.latency(0.99)),
                "p99_9": micros(self.latency(0.999)),
                "max": micros(self.max_latency()),
            },
            "errors": self.errors(),
            "error_kinds": errors,
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.info;
        writeln!(
            f,
            "loadgen {} → {}: {} connections × {} outstanding, warm-up {}, measured {}",
            i.protocol,
            i.addr,
            i.connections,
            i.pipeline,
            Span(i.warmup),
            Span(i.duration)
        )?;
        let counted = if i.unit == "msg" {
            "delivered"
        } else {
            "requests "
        };
        writeln!(
            f,
            "  {counted} {} = {:.0} {}/s",
            self.requests(),
            self.requests_per_second(),
            i.unit
        )?;
        writeln!(
            f,
            "  latency   p50 {}   p99 {}   p99.9 {}   max {}",
            Millis(self.latency(0.5)),
            Millis(self.latency(0.99)),
            Millis(self.latency(0.999)),
            Millis(self.max_latency())
        )?;
        writeln!(f, "  errors    {}", self.errors())?;
        for (kind, count, example) in self.error_kinds() {
            writeln!(f, "            {kind} × {count}: {example}")?;
        }
        Ok(())
    }
}

/// A duration of the command line, printed the way it is written there (`2s`, `500ms`).
struct Span(Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 {
            write!(f, "{}s", d.as_secs())
        } else if d < Duration::from_secs(1) && d.subsec_nanos().is_multiple_of(1_000_000) {
            write!(f, "{}ms", d.as_millis())
        } else {
            write!(f, "{:.3}s", d.as_secs_f64())
        }
    }
}

/// A latency printed in milliseconds with three decimals (microsecond resolution).
struct Millis(Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ms", self.0.as_secs_f64() * 1000.0)
    }
}

#[cfg(test)]
mod tests;
