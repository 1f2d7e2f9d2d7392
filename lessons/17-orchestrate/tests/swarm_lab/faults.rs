//! Each fault under the load, and what the issue allows it to cost: the calls that failed
//! are counted from the load's history, and each assertion shows them.

use std::time::{Duration, Instant};

use crate::lab::TestLab;
use crate::load::{CALLS_AFTER, failed, took};

/// The goal for a killed engine: every replica running again within this.
const BACK_WITHIN: Duration = Duration::from_secs(30);

impl TestLab {
    /// A node that runs a user replica drained under the load: its replicas stop there
    /// (drained by their grace period) and start elsewhere. No call fails.
    pub(crate) fn a_drain_costs_no_call(&self) {
        let started = Instant::now();
        let node = self
            .user_nodes()
            .into_iter()
            .next()
            .expect("a user replica");
        let load = self.start_load("drain");
        let said = self.ok(&["drain", &node]);
        eprintln!("{said}");
        let since = load.calls();
        self.ok(&["activate", &node]);
        load.until_calls(since, CALLS_AFTER);
        let run = load.end();
        let failed = failed(&run);
        eprintln!(
            "drain {node}: {} calls, {} failed",
            run.calls.len(),
            failed.len()
        );
        assert!(failed.is_empty(), "drain {node}: calls failed: {failed:#?}");
        // A drained worker loses its gateway too (the stack runs one on each gateway node,
        // `mode: global`), and `activate` gives it back only once its health check passes:
        // the next fault kills a worker's engine, and if it is the other gateway's node, no
        // gateway would be left to call.
        self.each_gateway_answers_the_seeds_call();
        took("the drain", started);
    }

    /// A worker that runs a user replica (and a gateway) has its engine killed under the
    /// load: the managers see it Down and run its replicas elsewhere within 30 s. At most
    /// one call fails.
    pub(crate) fn a_killed_engine_costs_at_most_one_call_and_its_replicas_are_back_within_30_s(
        &self,
    ) {
        let started = Instant::now();
        let users = self.user_nodes();
        let worker = users
            .iter()
            .find(|node| node.starts_with("worker"))
            .cloned()
            .unwrap_or_else(|| "worker-1".to_string());
        let load = self.start_load("kill-engine");
        let killed = Instant::now();
        let said = self.ok(&["kill-engine", &worker]);
        let back = killed.elapsed();
        eprintln!("{said}");
        let since = load.calls();
        load.until_calls(since, CALLS_AFTER);
        let run = load.end();
        let failed = failed(&run);
        eprintln!(
            "kill-engine {worker}: {} calls, {} failed; every replica back after {:.1} s",
            run.calls.len(),
            failed.len(),
            back.as_secs_f64()
        );
        assert!(
            failed.len() <= 1,
            "kill-engine {worker}: calls failed: {failed:#?}"
        );
        assert!(
            back <= BACK_WITHIN,
            "kill-engine {worker}: every replica back after {back:?}, not within \
             {BACK_WITHIN:?}: {said}"
        );
        self.ok(&["start-engine", &worker]);
        took("the killed engine", started);
    }

    /// Every user replica replaced, one at a time, each new one healthy before the old one
    /// stops. No call fails.
    pub(crate) fn a_rolling_update_costs_no_call(&self) {
        let started = Instant::now();
        let load = self.start_load("update");
        let said = self.ok(&["update"]);
        eprintln!("{said}");
        assert!(said.contains("completed"), "{said}");
        let since = load.calls();
        load.until_calls(since, CALLS_AFTER);
        let run = load.end();
        let failed = failed(&run);
        eprintln!("update: {} calls, {} failed", run.calls.len(), failed.len());
        assert!(
            failed.is_empty(),
            "a rolling update: calls failed: {failed:#?}"
        );
        took("the rolling update", started);
    }

    /// A version whose health check never passes: the swarm rolls it back by itself. No
    /// call fails.
    pub(crate) fn a_failing_update_is_rolled_back_by_the_swarm_and_costs_no_call(&self) {
        let started = Instant::now();
        let load = self.start_load("update-failing");
        let said = self.ok(&["update", "--failing"]);
        eprintln!("{said}");
        assert!(
            said.contains("rollback_completed"),
            "the swarm did not roll the failing version back: {said}"
        );
        let since = load.calls();
        load.until_calls(since, CALLS_AFTER);
        let run = load.end();
        let failed = failed(&run);
        eprintln!(
            "update --failing: {} calls, {} failed",
            run.calls.len(),
            failed.len()
        );
        assert!(
            failed.is_empty(),
            "a failing update: calls failed: {failed:#?}"
        );
        took("the failing update", started);
    }

    /// Two of three managers stopped: the last one refuses a change, saying why, and every
    /// call is still answered.
    pub(crate) fn a_lost_quorum_refuses_changes_and_costs_no_call(&self) {
        let started = Instant::now();
        let load = self.start_load("quorum-loss");
        let said = self.ok(&["quorum-loss"]);
        eprintln!("{said}");
        assert!(
            said.contains("refused") && said.to_lowercase().contains("leader"),
            "the manager left did not refuse the change for want of a leader: {said}"
        );
        let since = load.calls();
        load.until_calls(since, CALLS_AFTER);
        self.ok(&["quorum-back"]);
        let run = load.end();
        let failed = failed(&run);
        eprintln!(
            "quorum-loss: {} calls, {} failed",
            run.calls.len(),
            failed.len()
        );
        assert!(
            failed.is_empty(),
            "two managers stopped: calls failed: {failed:#?}"
        );
        took("the lost quorum", started);
    }
}
