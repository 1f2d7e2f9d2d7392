//! The faults, done to the swarm the way they happen to a real one, each written down.
//!
//! Lesson 14's nemesis did its faults itself, and put the lab back itself. Here the faults
//! are done to the nodes, and what puts the course back is the swarm: it sees a node drained
//! or gone and starts its replicas elsewhere, until what runs is what the stack declares
//! (desired state, reconciled). Each command waits for what the swarm does and says how
//! long it took:
//!
//! - `drain NODE`: the node is taken out of service by its operator (`docker node update
//!   --availability drain`), as before a kernel upgrade; its replicas are stopped there
//!   (SIGTERM, then their grace period) and started on other nodes. `activate` takes it
//!   back; the swarm does not move replicas back by itself.
//! - `kill-engine NODE`: the node's Docker Engine killed (SIGKILL to dockerd), and with it
//!   everything it ran, with no goodbye: the managers see the node go Down and start its
//!   replicas elsewhere. `start-engine` starts it again.
//! - `partition NODE`: the node cut off from every other node (a blackhole route each way,
//!   as lesson 14's nemesis cut its hosts), while it keeps running. `heal` undoes it.
//! - `quorum-loss` and `update`: [`super::fault_quorum`] and [`super::fault_update`].
//!
//! Every fault goes in the journal (lesson 14's, from the `lab` crate) when it begins and
//! is marked ended when it is undone, so that a load running meanwhile
//! ([`super::load`]) can say which of its calls fell in which fault.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use lab::history::{self, Fault};

use super::{Node, Swarm, wait};

/// How long the swarm may take to see a node killed, and to run its replicas elsewhere
/// (the goal is 30 s; the deadline is longer, so that a miss says what it saw).
pub const RESCHEDULE_PATIENCE: Duration = Duration::from_secs(90);

/// The services whose replicas the load's calls go through: each must be back at its
/// declared count after a fault.
pub const REPLICATED: [&str; 2] = ["course_user", "course_captcha"];

impl Swarm {
    /// The lab's node named `name`, running.
    pub fn running_node(&self, name: &str) -> anyhow::Result<Node> {
        let nodes = self.nodes_up()?;
        let names: Vec<&str> = nodes.iter().map(|node| node.name.as_str()).collect();
        let Some(node) = nodes.iter().find(|node| node.name == name) else {
            bail!(
                "no node {name} in the lab (its nodes: {})",
                names.join(", ")
            )
        };
        if !node.running {
            bail!("{name} is not running: `l17-orchestrate start-engine {name}` starts it")
        }
        Ok(node.clone())
    }

    /// A manager that answers, other than `not` (a manager cannot be asked about itself
    /// once its engine is gone).
    fn manager_other_than(&self, not: &str) -> anyhow::Result<String> {
        for manager in self.managers()? {
            if manager != not && self.on_node(&manager, &["node", "ls", "--quiet"]).is_ok() {
                return Ok(manager);
            }
        }
        bail!("no manager other than {not} answers")
    }

    /// Takes `name` out of service; returns once its replicas run elsewhere.
    pub fn drain(&self, name: &str) -> anyhow::Result<String> {
        self.running_node(name)?;
        let started = Instant::now();
        let manager = self.manager_other_than(name)?;
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

    /// Takes `name` back into service.
    pub fn activate(&self, name: &str) -> anyhow::Result<String> {
        let manager = self.manager_other_than(name)?;
        self.on_node(
            &manager,
            &["node", "update", "--availability", "active", name],
        )?;
        end_fault(&self.journal(), &format!("drain {name}"))?;
        Ok(format!(
            "{name} is active again: new replicas may be placed there (the swarm moves none \
             back by itself)"
        ))
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
        wait::until(
            &format!("the managers seeing {name} Down"),
            RESCHEDULE_PATIENCE,
            |seen| {
                *seen = self.on_node(
                    &manager,
                    &["node", "inspect", "--format", "{{.Status.State}}", name],
                )?;
                Ok((seen.trim() == "down").then_some(()))
            },
        )?;
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

    /// Starts `name`'s container, and so its engine, again; returns once it is Ready.
    pub fn start_engine(&self, name: &str) -> anyhow::Result<String> {
        let started = Instant::now();
        let mut start = std::process::Command::new("docker");
        start.args(["start", &self.container(name)]);
        lab::docker::run(&mut start)?;
        let manager = self.manager_other_than(name)?;
        wait::until(
            &format!("{name} Ready again"),
            RESCHEDULE_PATIENCE,
            |seen| {
                *seen = self.on_node(
                    &manager,
                    &["node", "inspect", "--format", "{{.Status.State}}", name],
                )?;
                Ok((seen.trim() == "ready").then_some(()))
            },
        )?;
        end_fault(&self.journal(), &format!("kill-engine {name}"))?;
        Ok(format!(
            "{name}'s engine runs again and the swarm has it Ready after {:.1} s",
            started.elapsed().as_secs_f64()
        ))
    }

    /// Cuts `name` off from every other node of the lab, both ways.
    pub fn partition(&self, name: &str) -> anyhow::Result<String> {
        let cut = self.running_node(name)?;
        let others: Vec<Node> = self
            .nodes()?
            .into_iter()
            .filter(|node| node.name != name && node.running)
            .collect();
        for other in &others {
            self.blackhole(&cut.name, other)?;
            self.blackhole(&other.name, &cut)?;
        }
        history::begin_fault(&self.journal(), &format!("partition {name}"))?;
        Ok(format!(
            "{name} cut off from {} (what either side sends the other is dropped; `heal` \
             undoes it)",
            others
                .iter()
                .map(|node| node.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    /// On `here`, a route that drops what it sends to `there`.
    fn blackhole(&self, here: &str, there: &Node) -> anyhow::Result<()> {
        let mut route = std::process::Command::new("docker");
        route
            .args(["exec", &self.container(here), "ip", "route", "replace"])
            .arg("blackhole")
            .arg(format!("{}/32", there.address));
        lab::docker::run(&mut route)
            .with_context(|| format!("cutting {here} off from {}", there.name))?;
        Ok(())
    }

    /// Removes every blackhole route from every running node.
    pub fn heal(&self) -> anyhow::Result<String> {
        let mut removed = 0;
        for node in self.nodes_up()?.into_iter().filter(|node| node.running) {
            let mut list = std::process::Command::new("docker");
            list.args(["exec", &self.container(&node.name)]).args([
                "ip",
                "route",
                "show",
                "type",
                "blackhole",
            ]);
            for route in lab::docker::run(&mut list)?.lines() {
                let Some(address) = route.split_whitespace().nth(1) else {
                    continue;
                };
                let mut delete = std::process::Command::new("docker");
                delete.args(["exec", &self.container(&node.name)]).args([
                    "ip",
                    "route",
                    "del",
                    "blackhole",
                    address,
                ]);
                lab::docker::run(&mut delete)?;
                removed += 1;
            }
        }
        let now = history::unix_ms(SystemTime::now());
        let faults: Vec<Fault> = history::read_all(&self.journal())?;
        for fault in faults.iter().filter(|fault| fault.to_unix_ms.is_none()) {
            if fault.what.starts_with("partition ") {
                end_fault_at(&self.journal(), &fault.what, now)?;
            }
        }
        Ok(format!("healed: {removed} blackhole routes removed"))
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

    /// Waits until every service of [`REPLICATED`] runs as many replicas as it declares:
    /// tasks that are to run and run, not those on their way out.
    pub fn until_replicas_back(&self, manager: &str) -> anyhow::Result<()> {
        wait::until(
            &format!("every replica of {} running", REPLICATED.join(" and ")),
            RESCHEDULE_PATIENCE,
            |seen| {
                let services = self.services(manager)?;
                seen.clear();
                let mut back = true;
                for name in REPLICATED {
                    let wanted = services
                        .iter()
                        .find(|s| s.name == name)
                        .map_or(0, |s| s.wanted);
                    let tasks = self.on_node(
                        manager,
                        &[
                            "service",
                            "ps",
                            name,
                            "--filter",
                            "desired-state=running",
                            "--format",
                            "{{.Name}} {{.Node}} {{.CurrentState}}",
                        ],
                    )?;
                    let running = tasks.lines().filter(|l| l.contains(" Running ")).count();
                    back &= wanted > 0 && running as u32 == wanted;
                    *seen += &format!("{name}: {running} of {wanted} running\n{tasks}");
                }
                Ok(back.then_some(()))
            },
        )
    }
}

/// Marks the fault `what` of the journal, if it is still on, as ended now.
pub fn end_fault(journal: &Path, what: &str) -> anyhow::Result<()> {
    end_fault_at(journal, what, history::unix_ms(SystemTime::now()))
}

/// Marks the open faults named `what` as ended at `now`: the journal written anew beside
/// the old one and put in its place, as lesson 14's `heal` does, so a reader never sees half
/// of it.
fn end_fault_at(journal: &Path, what: &str, now: u64) -> anyhow::Result<()> {
    let mut faults: Vec<Fault> = history::read_all(journal)?;
    let mut ended = false;
    for fault in faults
        .iter_mut()
        .filter(|fault| fault.what == what && fault.to_unix_ms.is_none())
    {
        fault.to_unix_ms = Some(now.max(fault.from_unix_ms));
        ended = true;
    }
    if !ended {
        return Ok(());
    }
    let fresh = journal.with_extension("jsonl.new");
    let _ = std::fs::remove_file(&fresh);
    for fault in &faults {
        history::append(&fresh, fault)?;
    }
    std::fs::rename(&fresh, journal)
        .with_context(|| format!("cannot replace {}", journal.display()))
}
