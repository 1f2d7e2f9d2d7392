//! Hedging: for a method safe to run twice, a second try to another node when the first is
//! slower than most calls are, the first answer winning.
//!
//! A per-try timeout waits out its whole timeout before it tries elsewhere; a call that hit a
//! node just partitioned away pays that timeout. Hedging (gRPC's hedging policy, A6; "The
//! Tail at Scale") sends the next try while the first is still out, once the call has taken
//! longer than the method's usual 95th percentile: about one call in twenty is sent twice,
//! and a call whose node went silent costs that percentile instead of a timeout. The try
//! that loses is cancelled (its HTTP/2 stream reset), so the server may stop working on it.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// When to send a hedge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hedging {
    /// Never: one try at a time (a retry only after a try failed or timed out).
    #[default]
    Off,
    /// After a fixed delay.
    After(Duration),
    /// After the method's observed 95th percentile, but never sooner than `at_least`; no
    /// hedge until [`Latencies::ENOUGH`] answers were timed.
    AtP95 { at_least: Duration },
}

/// How long the last answers of each method took, to know its 95th percentile.
#[derive(Debug, Default)]
pub struct Latencies(Mutex<HashMap<String, VecDeque<Duration>>>);

impl Latencies {
    /// How many of each method's last answers are kept.
    pub const KEPT: usize = 200;
    /// How many answers are timed before a percentile means anything.
    pub const ENOUGH: usize = 20;
    /// The most methods timed (anyone can name a method through `micro api`).
    pub const MOST_METHODS: usize = 256;

    /// `method` answered after `took`.
    pub fn record(&self, method: &str, took: Duration) {
        let mut methods = crate::locks::lock(&self.0);
        if !methods.contains_key(method) && methods.len() >= Self::MOST_METHODS {
            methods.clear();
        }
        let times = methods.entry(method.to_string()).or_default();
        if times.len() == Self::KEPT {
            times.pop_front();
        }
        times.push_back(took);
    }

    /// The 95th percentile of `method`'s last answers, once there are enough.
    pub fn p95(&self, method: &str) -> Option<Duration> {
        let methods = crate::locks::lock(&self.0);
        let times = methods
            .get(method)
            .filter(|times| times.len() >= Self::ENOUGH)?;
        let mut sorted: Vec<Duration> = times.iter().copied().collect();
        sorted.sort();
        Some(sorted[(sorted.len() * 95).div_ceil(100) - 1])
    }
}

impl Hedging {
    /// How long a try of `method` may go unanswered before a hedge is sent; `None`: no
    /// hedge.
    pub fn delay(&self, latencies: &Latencies, method: &str) -> Option<Duration> {
        match *self {
            Hedging::Off => None,
            Hedging::After(delay) => Some(delay),
            Hedging::AtP95 { at_least } => latencies.p95(method).map(|p95| p95.max(at_least)),
        }
    }
}

/// The shortest delay `p95` hedges after: a method that answers in a millisecond is not
/// worth sending twice because one try took two.
pub const P95_AT_LEAST: Duration = Duration::from_millis(10);

/// Hedging as a command line gives it: `off`, `p95` (the method's 95th percentile, at
/// least [`P95_AT_LEAST`]), or a delay (`50ms`).
pub fn parse_hedging(typed: &str) -> Result<Hedging, String> {
    match typed.trim() {
        "off" => Ok(Hedging::Off),
        "p95" => Ok(Hedging::AtP95 {
            at_least: P95_AT_LEAST,
        }),
        delay => shared::consul::parse_duration(delay)
            .map(Hedging::After)
            .map_err(|error| format!("{error}; or write off or p95")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_95th_percentile_of_the_last_answers() {
        let latencies = Latencies::default();
        for ms in 1..=19 {
            latencies.record("Say.Hello", Duration::from_millis(ms));
        }
        assert_eq!(latencies.p95("Say.Hello"), None, "19 answers are too few");
        latencies.record("Say.Hello", Duration::from_millis(20));
        assert_eq!(latencies.p95("Say.Hello"), Some(Duration::from_millis(19)));
        let hedging = Hedging::AtP95 {
            at_least: Duration::from_millis(50),
        };
        assert_eq!(
            hedging.delay(&latencies, "Say.Hello"),
            Some(Duration::from_millis(50))
        );
        assert_eq!(hedging.delay(&latencies, "Say.Other"), None);
        assert_eq!(Hedging::Off.delay(&latencies, "Say.Hello"), None);
    }

    #[test]
    fn hedging_as_typed() {
        assert_eq!(parse_hedging("off"), Ok(Hedging::Off));
        assert_eq!(
            parse_hedging("p95"),
            Ok(Hedging::AtP95 {
                at_least: P95_AT_LEAST
            })
        );
        assert_eq!(
            parse_hedging("50ms"),
            Ok(Hedging::After(Duration::from_millis(50)))
        );
        assert!(parse_hedging("soon").is_err());
    }

    #[test]
    fn only_the_last_answers_count() {
        let latencies = Latencies::default();
        for _ in 0..Latencies::KEPT {
            latencies.record("m", Duration::from_secs(9));
        }
        for _ in 0..Latencies::KEPT {
            latencies.record("m", Duration::from_millis(3));
        }
        assert_eq!(latencies.p95("m"), Some(Duration::from_millis(3)));
    }
}
