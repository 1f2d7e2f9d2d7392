//! Each fault under the load, and what the issue allows it to cost: the calls that failed
//! are counted from the load's history, and each assertion shows them.

use std::time::{Duration, Instant};

use crate::STEP;
use crate::lab::TestLab;
use crate::load::{CALLS_AFTER, took};

/// The goal for a killed engine: every replica running again within this. Not a
/// deadline of the test's (the wait is `kill-engine`'s own, and the story's [`STEP`] bounds
/// it): a bound the story asserts, on the time the swarm took, so it stays 30 s on a loaded
/// machine too.
const BACK_WITHIN: Duration = Duration::from_secs(30);

impl TestLab {
    /// A node that runs a user replica drained under the load: its replicas stop there
    /// (drained by their grace period) and start elsewhere. No call fails. A manager other
    /// than manager-1 where there is one, as the chapter drains manager-2: its etcd member
    /// stops too, so the registry loses a member while the replica leaves it.
    pub(crate) fn a_drain_costs_no_call(&self) {
        let started = Instant::now();
        let users = self.user_nodes();
        let node = users
            .iter()
            .find(|node| *node == "manager-2" || *node == "manager-3")
            .or(users.first())
            .cloned()
            .expect("a user replica");
        let load = self.start_load("drain");
        let said = self.ok(&["drain", &node]);
        eprintln!("{said}");
        let since = load.calls();
        self.ok(&["activate", &node]);
        load.until_calls(since, CALLS_AFTER);
        self.ends_costing_at_most(load, 0, &format!("drain {node}"));
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
        self.ends_costing_at_most(load, 1, &format!("kill-engine {worker}"));
        eprintln!("kill-engine {worker}: every replica back after {back:.1?}");
        assert!(
            back <= BACK_WITHIN,
            "kill-engine {worker}: every replica back after {back:?}, not within \
             {BACK_WITHIN:?}: {said}"
        );
        self.ok(&["start-engine", &worker]);
        // Its node Ready is not its gateway answering: the swarm starts the gateway there
        // again only now (`mode: global`), and the next fault's load calls both.
        self.each_gateway_answers_the_seeds_call();
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
        self.ends_costing_at_most(load, 0, "a rolling update");
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
        self.ends_costing_at_most(load, 0, "a failing update");
        took("the failing update", started);
    }

    /// A manager cut off from every other node under the load: the two left are a majority,
    /// see it Down and go on; `heal` brings it back as a follower. No call fails.
    pub(crate) fn a_partitioned_manager_costs_no_call(&self) {
        let started = Instant::now();
        let load = self.start_load("partition");
        let said = self.ok(&["partition", "manager-3"]);
        eprintln!("{said}");
        self.until_status("manager-3 Down", |line| {
            line.contains("manager-3") && line.contains(" Down ")
        });
        let since = load.calls();
        load.until_calls(since, CALLS_AFTER);
        self.ok(&["heal"]);
        self.until_status("manager-3 Ready and Reachable again", |line| {
            line.contains("manager-3") && line.contains(" Ready ") && line.contains("Reachable")
        });
        self.ends_costing_at_most(load, 0, "manager-3 cut off");
        took("the partition", started);
    }

    /// Asks `status` again until one of its lines is `what`, within the story's [`STEP`]:
    /// the managers see a node cut off, and have it back once healed, in seconds on a quiet
    /// machine (heartbeats of 5 s, missed a few times), and much later on a loaded one.
    /// While the managers elect a leader (the one cut off may have led), `status` fails
    /// for a moment: that is a "not yet", shown if the deadline passes.
    fn until_status(&self, what: &str, is_it: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + STEP;
        let _waiting = testkit::hang::waiting_for(format!("`status` to show {what}"));
        loop {
            let out = self.program(&["status"]);
            let status = String::from_utf8_lossy(&out.stdout).into_owned();
            if out.status.success() && status.lines().any(&is_it) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`status` did not show {what} within {STEP:?}; last:\n{status}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(500));
        }
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
        self.ends_costing_at_most(load, 0, "two managers stopped");
        took("the lost quorum", started);
    }
}
