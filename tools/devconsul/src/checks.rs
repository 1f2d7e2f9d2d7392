//! Health checks that really run.
//!
//! Every check with a definition gets a runner: a tokio task that either probes the
//! service on its interval (TCP connect, HTTP request, gRPC `Health/Check`) or, for a TTL
//! check, waits for the deadline its service has to beat. Results go into the store
//! through [`Shared::write`], so a status change bumps the index and wakes blocked
//! queries. A runner is stopped by dropping it.
//!
//! A separate reaper deregisters services whose check stayed critical for longer than its
//! `DeregisterCriticalServiceAfter`.

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::AbortHandle;
use tokio::time::{Instant, MissedTickBehavior};

use crate::definition::CheckType;
use crate::shared::{Shared, lock};
use crate::state::Check;

mod probe;

pub use probe::Probe;

/// A running check task; dropping it stops the task.
pub struct Runner {
    pub generation: u64,
    task: AbortHandle,
    ttl_kick: Arc<Notify>,
}

impl Runner {
    /// Tells a TTL runner that its deadline moved.
    pub fn kick(&self) {
        self.ttl_kick.notify_one();
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the runner for `check`. Only spawns: the caller may hold the store's lock.
pub fn start(shared: &Arc<Shared>, check: &Check) -> Runner {
    let weak = Arc::downgrade(shared);
    let ttl_kick = Arc::new(Notify::new());
    let id = check.id.clone();
    let generation = check.generation;
    let task = match Probe::for_check(&check.definition) {
        Some(probe) => {
            let interval = interval_of(shared, &check.definition, &id);
            let thresholds = Thresholds::of(&check.definition);
            tokio::spawn(probe_forever(
                weak, id, generation, probe, interval, thresholds,
            ))
        }
        None => tokio::spawn(watch_ttl(weak, id, Arc::clone(&ttl_kick))),
    };
    Runner {
        generation,
        task: task.abort_handle(),
        ttl_kick,
    }
}

/// The check's interval, raised to the agent's minimum as Consul does.
fn interval_of(shared: &Shared, definition: &CheckType, id: &str) -> Duration {
    let asked = Duration::from_nanos(definition.interval.max(0) as u64);
    let minimum = shared.config.timings.min_check_interval;
    if asked < minimum {
        tracing::warn!(target: "agent", check = id, minimum = %crate::duration::format(minimum),
            "check has interval below minimum");
        minimum
    } else {
        asked
    }
}

/// Consecutive results needed before a status flips (Consul's `StatusHandler`).
struct Thresholds {
    success_before_passing: u64,
    failures_before_warning: u64,
    failures_before_critical: u64,
    successes: u64,
    failures: u64,
}

impl Thresholds {
    fn of(definition: &CheckType) -> Thresholds {
        let critical = definition.failures_before_critical.max(0) as u64;
        let warning = match definition.failures_before_warning.max(0) as u64 {
            0 => critical,
            n => n,
        };
        Thresholds {
            success_before_passing: definition.success_before_passing.max(0) as u64,
            failures_before_warning: warning,
            failures_before_critical: critical,
            successes: 0,
            failures: 0,
        }
    }

    /// The status to record for a probe result, or `None` to keep the current one.
    fn judge(&mut self, status: &'static str) -> Option<&'static str> {
        if status != "critical" {
            self.successes += 1;
            self.failures = 0;
            (self.successes >= self.success_before_passing).then_some(status)
        } else {
            self.failures += 1;
            self.successes = 0;
            if self.failures >= self.failures_before_critical {
                Some("critical")
            } else if self.failures >= self.failures_before_warning {
                Some("warning")
            } else {
                None
            }
        }
    }
}

/// Probes now and then every interval, recording each result.
async fn probe_forever(
    shared: Weak<Shared>,
    id: String,
    generation: u64,
    probe: Probe,
    interval: Duration,
    mut thresholds: Thresholds,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let (status, output) = probe.run().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if let Some(status) = thresholds.judge(status) {
            record(&shared, &id, generation, status, &output);
        }
    }
}

/// Stores a probe's result, if the check still has the definition that was probed.
fn record(shared: &Arc<Shared>, id: &str, generation: u64, status: &str, output: &str) {
    let changed = shared.write(|store| {
        let current = store
            .checks
            .get(id)
            .is_some_and(|c| c.generation == generation);
        current && store.set_check_status(id, status, output, false)
    });
    if changed {
        tracing::info!(target: "agent", check = id, status, "Check status updated");
    }
}

/// Waits for a TTL check's deadline; if it passes without an update the check turns
/// critical. A kick means the deadline moved.
async fn watch_ttl(shared: Weak<Shared>, id: String, kick: Arc<Notify>) {
    loop {
        let deadline = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let store = shared.store();
            let Some(check) = store.checks.get(&id) else {
                return;
            };
            check.ttl_deadline
        };
        match deadline {
            Some(deadline) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(deadline) => {
                        let Some(shared) = shared.upgrade() else { return };
                        if shared.write(|store| store.expire_ttl(&id, Instant::now())) {
                            tracing::warn!(target: "agent", check = %id, "Check missed TTL, is now critical");
                        }
                    }
                    _ = kick.notified() => {}
                }
            }
            None => kick.notified().await,
        }
    }
}

/// Deregisters, every reap interval, the services that stayed critical for too long.
pub async fn reap_forever(shared: Arc<Shared>) {
    let timings = shared.config.timings;
    let mut ticks = tokio::time::interval(timings.reap_interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let reaped = shared.write(|store| {
            let overdue = store.overdue(Instant::now(), timings.dcsa_minimum);
            overdue
                .into_iter()
                .filter_map(|(service, check)| {
                    store.deregister_service(&service).map(|_| (service, check))
                })
                .collect::<Vec<_>>()
        });
        for (service, check) in reaped {
            lock(&shared.from_files).services.remove(&service);
            tracing::info!(target: "agent",
                service = %service, check = %check,
                "Check for service has been critical for too long; deregistered service");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thresholds(success: i64, warning: i64, critical: i64) -> Thresholds {
        Thresholds::of(&CheckType {
            success_before_passing: success,
            failures_before_warning: warning,
            failures_before_critical: critical,
            ..Default::default()
        })
    }

    #[test]
    fn without_thresholds_every_result_counts() {
        let mut judge = thresholds(0, 0, 0);
        assert_eq!(judge.judge("passing"), Some("passing"));
        assert_eq!(judge.judge("critical"), Some("critical"));
        assert_eq!(judge.judge("warning"), Some("warning"));
    }

    #[test]
    fn thresholds_need_consecutive_results() {
        let mut judge = thresholds(2, 1, 3);
        assert_eq!(judge.judge("passing"), None);
        assert_eq!(judge.judge("passing"), Some("passing"));
        assert_eq!(judge.judge("critical"), Some("warning"));
        assert_eq!(judge.judge("critical"), Some("warning"));
        assert_eq!(judge.judge("critical"), Some("critical"));
        assert_eq!(
            judge.judge("passing"),
            None,
            "one success resets the failures"
        );
        assert_eq!(judge.judge("critical"), Some("warning"));
    }
}
