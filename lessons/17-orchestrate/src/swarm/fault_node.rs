//! `drain`/`activate` and `kill-engine`/`start-engine`: a node taken out of service, by its
//! operator or by its death, and taken back.
//!
//! The two faults end the same way, the node's replicas started elsewhere by the swarm, and
//! differ in how they begin, which is what they teach:
//!
//! - `drain NODE`: the node is taken out of service by its operator (`docker node update
//!   --availability drain`), as before a kernel upgrade; its replicas are stopped there
//!   (SIGTERM, then their grace period) and started on other nodes. `activate` takes it
//!   back; the swarm does not move replicas back by itself.
//! - `kill-engine NODE`: the node's Docker Engine killed (SIGKILL to dockerd), and with it
//!   everything it ran, with no goodbye: the managers see the node go Down and start its
//!   replicas elsewhere. `start-engine` starts it again.

use std::time::{Duration, Instant};

use anyhow::bail;
use lab::history;

use super::fault::{REPLICATED, RESCHEDULE_PATIENCE, end_fault};
use super::{Swarm, wait};

impl Swarm {
    /// Takes `name` out of service; returns once its replicas run elsewhere.
    pub fn drain(&self, name: &str) -> anyhow::Result<String> {
        self.running_node(name)?;
        let started = Instant::now();
        let manager = self.manager_other_than(name)?;
        // A second drain is no new fault: nothing runs there to move.
        if self.availability(&manager, name)? == "drain" {
            return Ok(format!(
                "{name} is drained already: nothing runs there to move (`activate {name}` \
                 takes it back)"
            ));
        }
        self.on_node(
            &manager,
            &["node", "update", "--availability", "drain", name],
        )?;
        history::begin_fault(&self.journal(), &format!("drain {name}"))?;
        wait::until(
            &format!("no replica left on {name}"),
            RESCHEDULE_PATIENCE,
            |seen| {
                *seen = self.tasks_on(&manager, name)?;
                Ok(seen.trim().is_empty().then_some(()))
            },
        )?;
        let emptied = started.elapsed();
        self.until_replicas_back(&manager)?;
        Ok(format!(
            "{name} drained: its replicas stopped there within {:.1} s and every replica of \
             {} runs elsewhere after {:.1} s (`activate {name}` takes it back)",
            emptied.as_secs_f64(),
            REPLICATED.join(" and "),
            started.elapsed().as_secs_f64()
        ))
    }

    /// Takes `name` back into service, if it was out of it (drained or paused).
    pub fn activate(&self, name: &str) -> anyhow::Result<String> {
        self.node_named(name)?;
        let manager = self.manager_other_than(name)?;
        let already = self.availability(&manager, name)? == "active";
        if !already {
            self.on_node(
                &manager,
                &["node", "update", "--availability", "active", name],
            )?;
        }
        end_fault(&self.journal(), &format!("drain {name}"))?;
        Ok(activated(name, already))
    }

    /// Whether `name` takes replicas, as `manager` has it: `active`, `drain` or `pause`.
    fn availability(&self, manager: &str, name: &str) -> anyhow::Result<String> {
        let said = self.on_node(
            manager,
            &[
                "node",
                "inspect",
                "--format",
                "{{.Spec.Availability}}",
                name,
            ],
        )?;
        Ok(said.trim().to_string())
    }

    /// Kills `name`'s engine; returns once the managers saw it Down and its replicas run
    /// elsewhere, saying how long each took.
    pub fn kill_engine(&self, name: &str) -> anyhow::Result<String> {
        self.running_node(name)?;
        let manager = self.manager_other_than(name)?;
        let started = Instant::now();
        // The engine is the node container's main process (under its init): with it gone,
        // the container ends, and every replica it ran with it.
        let mut kill = std::process::Command::new("docker");
        kill.args(["exec", &self.container(name), "sh", "-c"])
            .arg("kill -KILL $(pidof dockerd)");
        let _ = lab::docker::output(&mut kill);
        history::begin_fault(&self.journal(), &format!("kill-engine {name}"))?;
        self.until_node_state(&manager, name, "down")?;
        let noticed = started.elapsed();
        self.until_replicas_back(&manager)?;
        Ok(format!(
            "{name}'s engine killed: the managers saw it Down after {:.1} s, and every replica \
             of {} ran again after {:.1} s (`start-engine {name}` starts it again)",
            noticed.as_secs_f64(),
            REPLICATED.join(" and "),
            started.elapsed().as_secs_f64()
        ))
    }

    /// Starts `name`'s container, and so its engine, again, if it is not running; returns
    /// once it is Ready.
    pub fn start_engine(&self, name: &str) -> anyhow::Result<String> {
        if self.node_named(name)?.running {
            // Its container runs, and so does its engine, its main process: unless
            // `quorum-loss` froze it, which is not for `start-engine` to undo.
            let state = self.engine_state(name)?;
            if state.starts_with('T') {
                bail!(
                    "{name}'s engine is frozen (stopped by `quorum-loss`): `quorum-back` thaws it"
                )
            }
            end_fault(&self.journal(), &format!("kill-engine {name}"))?;
            return Ok(engine_started(name, None));
        }
        let started = Instant::now();
        let mut start = std::process::Command::new("docker");
        start.args(["start", &self.container(name)]);
        self.commands.run(&mut start)?;
        let manager = self.manager_other_than(name)?;
        self.until_node_state(&manager, name, "ready")?;
        end_fault(&self.journal(), &format!("kill-engine {name}"))?;
        Ok(engine_started(name, Some(started.elapsed())))
    }

    /// The state of node `name`'s dockerd as `ps` shows it: `S` (sleeping: running, and
    /// waiting for work, as an engine does), `T` (stopped by SIGSTOP).
    fn engine_state(&self, name: &str) -> anyhow::Result<String> {
        let mut ps = std::process::Command::new("docker");
        ps.args(["exec", &self.container(name)])
            .args(["ps", "-o", "stat=", "-C", "dockerd"]);
        Ok(self.commands.run(&mut ps)?.trim().to_string())
    }

    /// The stack's tasks still running on `node`, one a line, as `manager` sees them: a
    /// task told to stop runs on through its grace period.
    fn tasks_on(&self, manager: &str, node: &str) -> anyhow::Result<String> {
        let listed = self.on_node(
            manager,
            &[
                "node",
                "ps",
                node,
                "--format",
                "{{.CurrentState}}: {{.Name}}, to be {{.DesiredState}}",
            ],
        )?;
        Ok(listed
            .lines()
            .filter(|line| line.starts_with("Running"))
            .collect::<Vec<_>>()
            .join("\n"))
    }

    /// Waits until `manager` sees `node` in `state` (`down`, `ready`): the managers' view of
    /// a node, which their heartbeats decide.
    fn until_node_state(&self, manager: &str, node: &str, state: &str) -> anyhow::Result<()> {
        wait::until(
            &format!("the managers seeing {node} {state}"),
            RESCHEDULE_PATIENCE,
            |seen| {
                *seen = self.on_node(
                    manager,
                    &["node", "inspect", "--format", "{{.Status.State}}", node],
                )?;
                Ok((seen.trim() == state).then_some(()))
            },
        )
    }
}

/// What `activate` says of `name`: taken back into service, or `already` in it.
fn activated(name: &str, already: bool) -> String {
    if already {
        format!(
            "{name} is already active: it was not drained (`drain {name}` takes it out of \
             service)"
        )
    } else {
        format!(
            "{name} is active again: new replicas may be placed there (the swarm moves none \
             back by itself)"
        )
    }
}

/// What `start-engine` says of `name`: its engine Ready again `after` so long, or (`None`)
/// running already.
fn engine_started(name: &str, after: Option<Duration>) -> String {
    match after {
        Some(after) => format!(
            "{name}'s engine runs again and the swarm has it Ready after {:.1} s",
            after.as_secs_f64()
        ),
        None => format!(
            "{name}'s engine already runs: there was nothing to start (`kill-engine {name}` \
             kills it)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activate_says_whether_the_node_was_out_of_service() {
        assert_eq!(
            activated("manager-2", false),
            "manager-2 is active again: new replicas may be placed there (the swarm moves \
             none back by itself)"
        );
        let already = activated("manager-2", true);
        assert!(
            already.starts_with("manager-2 is already active"),
            "{already}"
        );
        assert!(!already.contains("again"), "{already}");
    }

    #[test]
    fn start_engine_says_whether_the_engine_was_stopped() {
        let again = engine_started("worker-2", Some(Duration::from_millis(4_300)));
        assert_eq!(
            again,
            "worker-2's engine runs again and the swarm has it Ready after 4.3 s"
        );
        let already = engine_started("worker-2", None);
        assert!(
            already.starts_with("worker-2's engine already runs"),
            "{already}"
        );
        assert!(!already.contains("again"), "{already}");
    }
}
