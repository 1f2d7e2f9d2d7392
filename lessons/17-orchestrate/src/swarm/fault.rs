//! The faults, done to the swarm the way they happen to a real one, each written down, and
//! what they share: the node a fault is done to, a manager to watch it from, the wait until
//! the swarm has put every replica back, and the journal.
//!
//! Lesson 14's nemesis did its faults itself, and put the lab back itself. Here the faults
//! are done to the nodes, and what puts the course back is the swarm: it sees a node drained
//! or gone and starts its replicas elsewhere, until what runs is what the stack declares
//! (desired state, reconciled). Each command waits for what the swarm does and says how
//! long it took. Each fault has a module of its own:
//!
//! - `drain`/`activate` and `kill-engine`/`start-engine`, a node taken out of service by its
//!   operator or by its death: [`super::fault_node`];
//! - `partition`/`heal`, a node cut off while it keeps running: [`super::fault_partition`];
//! - `quorum-loss`/`quorum-back`: [`super::fault_quorum`];
//! - `update` and `update --failing`: [`super::fault_update`].
//!
//! Every fault goes in the journal (lesson 14's, from the `lab` crate) when it begins and
//! is marked ended when it is undone, so that a load running meanwhile
//! ([`super::load`]) can say which of its calls fell in which fault.

use std::path::Path;
use std::time::{Duration, SystemTime};

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
    /// The lab's node named `name`, or why there is none.
    pub fn node_named(&self, name: &str) -> anyhow::Result<Node> {
        let nodes = self.nodes_up()?;
        let names: Vec<&str> = nodes.iter().map(|node| node.name.as_str()).collect();
        let Some(node) = nodes.iter().find(|node| node.name == name) else {
            bail!(
                "no node {name} in the lab (its nodes: {})",
                names.join(", ")
            )
        };
        Ok(node.clone())
    }

    /// The lab's node named `name`, running.
    pub fn running_node(&self, name: &str) -> anyhow::Result<Node> {
        let node = self.node_named(name)?;
        if !node.running {
            bail!("{name} is not running: `l17-orchestrate start-engine {name}` starts it")
        }
        Ok(node)
    }

    /// A manager that answers, other than `not` (a manager cannot be asked about itself
    /// once its engine is gone).
    pub(super) fn manager_other_than(&self, not: &str) -> anyhow::Result<String> {
        for manager in self.managers()? {
            if manager != not && self.on_node(&manager, &["node", "ls", "--quiet"]).is_ok() {
                return Ok(manager);
            }
        }
        bail!("no manager other than {not} answers")
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
pub(super) fn end_fault_at(journal: &Path, what: &str, now: u64) -> anyhow::Result<()> {
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
