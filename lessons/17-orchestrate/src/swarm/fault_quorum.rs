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
/// How long the managers may take to lose their leader, or to elect one again.
const ELECTION_PATIENCE: Duration = Duration::from_secs(60);

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
        for manager in &managers {
            self.signal_engine(manager, "CONT")?;
        }
        let listed = wait::until(
            "a leader, every manager with it",
            ELECTION_PATIENCE,
            |seen| {
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
            },
        )?;
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
