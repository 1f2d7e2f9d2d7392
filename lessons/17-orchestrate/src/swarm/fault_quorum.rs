//! `quorum-loss`: two of the three managers stopped, and what a swarm without a quorum
//! still does.
//!
//! The managers keep the swarm's state by Raft: a change (a service updated, a replica
//! placed) is made only once a majority of them has written it down. Three managers go on
//! with one gone; with two gone, the last one cannot make a majority alone, and refuses
//! every change. What already runs is not the managers' to run: the nodes' engines keep
//! their containers going, the gateways keep calling the replicas, and the course keeps
//! answering. Nothing can be scheduled or changed until a majority is back.
//!
//! A manager is stopped by freezing its engine (SIGSTOP to dockerd): to the other managers
//! it is gone, as a machine that hangs is, while the containers its node runs (an etcd
//! member, replicas) go on under containerd. Stopping the node's container instead would
//! also stop those, and the calls would then fail because etcd lost its own quorum: a
//! fault of the registry, not of the swarm. `quorum-back` thaws them (SIGCONT).

use std::time::{Duration, Instant};

use anyhow::bail;
use lab::history;

use super::fault::end_fault;
use super::{Swarm, counted, wait};

/// How long a change is given before it counts as refused by silence.
const CHANGE_PATIENCE: &str = "30";
/// How long the managers may take to notice they lost their leader.
const ELECTION_PATIENCE: Duration = Duration::from_secs(60);
/// How long the managers thawed may take to elect a leader again: 14 to 95 s on two busy
/// cores, each manager's Raft catching up on what it missed while frozen.
const BACK_PATIENCE: Duration = Duration::from_secs(180);

/// What the one manager left said to a change.
pub struct Refusal {
    /// The two managers stopped.
    pub stopped: Vec<String>,
    /// The manager asked.
    pub asked: String,
    /// The command it was asked, as typed.
    pub command: String,
    /// What it answered (its stderr), or that it did not answer in time.
    pub said: String,
}

impl Swarm {
    /// Stops two of the three managers and asks the third for a change; returns its
    /// refusal. Fails if the change was made.
    pub fn quorum_loss(&self) -> anyhow::Result<Refusal> {
        let managers = self.managers()?;
        if managers.len() != 3 {
            bail!(
                "quorum-loss stops two of three managers; this lab has {} ({})",
                counted(managers.len(), "manager"),
                managers.join(", ")
            )
        }
        let asked = managers[0].clone();
        let stopped = managers[1..].to_vec();
        for manager in &stopped {
            self.signal_engine(manager, "STOP")?;
        }
        let what = format!("quorum-loss {}", stopped.join(" "));
        history::begin_fault(&self.journal(), &what)?;
        // Until the managers have noticed, the leader may still be counted as there.
        wait::until(
            &format!("{asked} saying the swarm has no leader"),
            ELECTION_PATIENCE,
            |seen| {
                // `timeout`: a follower may wait for a leader that is frozen.
                let mut list = std::process::Command::new("docker");
                list.args(["exec", &self.container(&asked)])
                    .args(["timeout", "10", "docker", "node", "ls"]);
                let out = lab::docker::output(&mut list)?;
                let said = String::from_utf8_lossy(&out.stderr).into_owned();
                *seen = format!("{}{said}", String::from_utf8_lossy(&out.stdout));
                Ok((!out.status.success() && said.contains("leader")).then_some(()))
            },
        )?;
        // A change the stack could take (a label), with a deadline of its own.
        let change = [
            "service",
            "update",
            "--detach",
            "--label-add",
            "l17.quorum-probe=1",
            "course_user",
        ];
        let mut command = std::process::Command::new("docker");
        command
            .args(["exec", &self.container(&asked), "timeout", CHANGE_PATIENCE])
            .arg("docker")
            .args(change);
        let out = lab::docker::output(&mut command)?;
        let typed = format!("docker {}", change.join(" "));
        if out.status.success() {
            bail!("{asked} made a change with two of three managers stopped: `{typed}`")
        }
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let said = if said.is_empty() {
            format!("no answer within {CHANGE_PATIENCE} s")
        } else {
            said
        };
        Ok(Refusal {
            stopped,
            asked,
            command: typed,
            said,
        })
    }

    /// Thaws every manager's engine and waits until the swarm has a leader again and
    /// every node is Ready.
    pub fn quorum_back(&self) -> anyhow::Result<String> {
        let started = Instant::now();
        let managers = self.managers()?;
        let mut frozen = Vec::new();
        for manager in &managers {
            if self.engine_frozen(manager)? {
                frozen.push(manager.clone());
            }
        }
        if frozen.is_empty() {
            return Ok(nothing_frozen(&managers));
        }
        for manager in &frozen {
            self.signal_engine(manager, "CONT")?;
        }
        let listed = wait::until("a leader, every manager with it", BACK_PATIENCE, |seen| {
            let listed = self.on_node(&managers[0], &["node", "ls"])?;
            let with_it = listed
                .lines()
                .filter(|l| {
                    l.contains(" Ready ") && (l.contains("Leader") || l.contains("Reachable"))
                })
                .count();
            let leads = listed.contains("Leader");
            *seen = listed.clone();
            Ok((leads && with_it == managers.len()).then_some(listed))
        })
        .map_err(|error| {
            anyhow::anyhow!(
                "{} started again, {error:#}; `l17-orchestrate status` in a while says whether a \
                 leader came",
                frozen.join(" and ")
            )
        })?;
        let journal = self.journal();
        let open: Vec<history::Fault> = history::read_all(&journal)?;
        for fault in open.iter().filter(|f| f.to_unix_ms.is_none()) {
            if fault.what.starts_with("quorum-loss") {
                end_fault(&journal, &fault.what)?;
            }
        }
        Ok(format!(
            "the managers run again; a leader after {:.1} s:\n{listed}",
            started.elapsed().as_secs_f64()
        ))
    }

    /// Whether node `name`'s dockerd is frozen (its state `T`, stopped by SIGSTOP), read from
    /// /proc inside the node.
    fn engine_frozen(&self, name: &str) -> anyhow::Result<bool> {
        let mut state = std::process::Command::new("docker");
        state
            .args(["exec", &self.container(name), "sh", "-c"])
            .arg(ENGINE_STATE);
        let states = self.commands.run(&mut state)?;
        Ok(states.split_whitespace().any(|state| state == "T"))
    }

    /// Sends SIG`signal` to node `name`'s dockerd.
    fn signal_engine(&self, name: &str, signal: &str) -> anyhow::Result<()> {
        let mut kill = std::process::Command::new("docker");
        kill.args(["exec", &self.container(name), "pkill"])
            .arg(format!("-{signal}"))
            .args(["-x", "dockerd"]);
        self.commands.run(&mut kill)?;
        Ok(())
    }
}

/// Each dockerd's state letter (`S` asleep, `R` running, `T` stopped), by a shell alone:
/// `/proc/PID/stat` is `PID (dockerd) STATE …`.
const ENGINE_STATE: &str = "for stat in /proc/[0-9]*/stat; do \
    read -r pid comm state rest < \"$stat\" 2>/dev/null || continue; \
    [ \"$comm\" = \"(dockerd)\" ] && echo \"$state\"; done; true";

/// What `quorum-back` says when no manager's engine was frozen.
fn nothing_frozen(managers: &[String]) -> String {
    format!(
        "no manager was frozen: {} run already, there was nothing to start (`quorum-loss` \
         freezes two)",
        managers.join(", ")
    )
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} stopped (their engines frozen); {} is the one manager left.",
            self.stopped.join(" and "),
            self.asked
        )?;
        writeln!(f, "{} refused `{}`:", self.asked, self.command)?;
        for line in self.said.lines() {
            writeln!(f, "  {line}")?;
        }
        write!(
            f,
            "what runs keeps running; nothing can be changed until a majority of the managers \
             is back (`quorum-back`)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_frozen_is_said_as_already() {
        let managers = ["manager-1", "manager-2", "manager-3"].map(String::from);
        assert_eq!(
            nothing_frozen(&managers),
            "no manager was frozen: manager-1, manager-2, manager-3 run already, there was \
             nothing to start (`quorum-loss` freezes two)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_frozen_engine_is_read_from_its_state_letter() {
        // The script over a /proc of its own making, each stat a line as the kernel writes it:
        // one dockerd stopped, one other program.
        let proc = std::env::temp_dir().join(format!("l17-proc-{}", std::process::id()));
        for (pid, stat) in [
            ("7", "7 (dockerd) T 1 7\n"),
            ("9", "9 (containerd) S 1 9\n"),
        ] {
            std::fs::create_dir_all(proc.join(pid)).unwrap();
            std::fs::write(proc.join(pid).join("stat"), stat).unwrap();
        }
        let script = ENGINE_STATE.replace("/proc/", &format!("{}/", proc.display()));
        let out = std::process::Command::new("sh")
            .args(["-c", &script])
            .output()
            .unwrap();
        std::fs::remove_dir_all(&proc).unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "T\n");
    }
}
