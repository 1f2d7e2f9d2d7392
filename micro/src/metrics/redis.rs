//! The captcha service's Redis commands, counted and timed.
//!
//! A service that keeps its state in Redis is as fast as Redis answers: when Redis slows
//! down or goes away, the service's own calls show it late and vaguely (`Unavailable`, a
//! longer `grpc_server_handling_seconds`). Its commands counted beside them say why, on the
//! same `/metrics`. The captcha service (lesson 09, in the `shared` crate) tells a
//! [`RedisObserver`] of each command; this is the one that counts.

use std::time::Duration;

use prometheus::core::Collector;
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts};
use shared::captcha::RedisObserver;

use super::LATENCY_BUCKETS;

/// `redis_commands_total{command, outcome}` and `redis_command_duration_seconds{command}`.
#[derive(Clone)]
pub struct RedisMetrics {
    commands: IntCounterVec,
    duration: HistogramVec,
}

impl RedisMetrics {
    pub fn new() -> prometheus::Result<RedisMetrics> {
        let commands = IntCounterVec::new(
            Opts::new(
                "redis_commands_total",
                "Redis commands sent, by command and outcome (answered or failed)",
            ),
            &["command", "outcome"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "redis_command_duration_seconds",
                "Time from a Redis command's sending to its answer or failure, in seconds",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["command"],
        )?;
        Ok(RedisMetrics { commands, duration })
    }

    /// Both metrics, to hand to a service's registry (`Service::metrics`).
    pub fn collectors(&self) -> Vec<Box<dyn Collector>> {
        vec![
            Box::new(self.commands.clone()),
            Box::new(self.duration.clone()),
        ]
    }
}

impl RedisObserver for RedisMetrics {
    fn observe(&self, command: &'static str, took: Duration, answered: bool) {
        let outcome = if answered { "answered" } else { "failed" };
        self.commands.with_label_values(&[command, outcome]).inc();
        let seconds = took.as_secs_f64();
        self.duration.with_label_values(&[command]).observe(seconds);
    }
}
