//! The nodes as the lab knows them (its containers' labels) and as the swarm knows them
//! (`docker node ls` on a manager); `status`, `down`, and `join` for a real machine.

use std::net::Ipv4Addr;
use std::process::Command;

use anyhow::{Context, bail};

use super::commands::run;
use super::stack::STACK;
use super::status::table;
use super::{ANSWER_PATIENCE, PROJECT_LABEL, Swarm, counted, wait};

/// How long a removal of the lab's containers that another command began may take.
const REMOVAL_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// The labels `up` puts on each node's container, read back by [`of_project`].
pub const NODE_LABEL: &str = "l17.node";
pub const ROLE_LABEL: &str = "l17.role";
pub const ADDRESS_LABEL: &str = "l17.address";
pub const GATEWAY_LABEL: &str = "l17.gateway";

/// A node's part in the swarm: managers keep the swarm's state (by Raft, among themselves)
/// and decide; workers run what they are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Manager,
    Worker,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Worker => "worker",
        }
    }
}

/// One node of the lab: its hostname (`manager-1`, `worker-2`), its role, its address on the
/// lab's network, whether a gateway runs on it, and whether its container runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub role: Role,
    pub address: Ipv4Addr,
    pub gateway: bool,
    pub running: bool,
}

/// The nodes of `swarm`'s project, managers first, each in the order `up` made them.
pub fn of_project(swarm: &Swarm) -> anyhow::Result<Vec<Node>> {
    let docker = swarm.docker()?;
    let mut list = docker.docker();
    list.args(["ps", "--all", "--filter"])
        .arg(format!("label={PROJECT_LABEL}={}", swarm.options.project))
        .args(["--filter", &format!("label={NODE_LABEL}")])
        .arg("--format")
        .arg(format!(
            "{{{{.Label \"{NODE_LABEL}\"}}}} {{{{.Label \"{ROLE_LABEL}\"}}}} \
             {{{{.Label \"{ADDRESS_LABEL}\"}}}} {{{{.Label \"{GATEWAY_LABEL}\"}}}} {{{{.State}}}}"
        ));
    let listed = run(&mut list)?;
    let mut nodes: Vec<Node> = listed.lines().filter_map(parse_node).collect();
    nodes.sort_by_key(|node| (node.role != Role::Manager, node.address));
    Ok(nodes)
}

/// One line of [`of_project`]'s listing: `manager-1 manager 10.17.0.11 false running`.
fn parse_node(line: &str) -> Option<Node> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let [name, role, address, gateway, state] = words[..] else {
        return None;
    };
    Some(Node {
        name: name.to_string(),
        role: if role == "manager" {
            Role::Manager
        } else {
            Role::Worker
        },
        address: address.parse().ok()?,
        gateway: gateway == "true",
        running: state == "running",
    })
}

impl Swarm {
    /// `docker node ls` as a manager that answers sees it: each node's hostname, status,
    /// availability and, for a manager, whether it leads (`Leader`) or is `Reachable`; then
    /// the stack's services, each with its replicas running of those wanted. A manager whose
    /// engine is frozen (`quorum-loss`) never answers: each is given [`ANSWER_PATIENCE`],
    /// and what each said is told when none answers.
    pub fn status(&self) -> anyhow::Result<String> {
        let managers = self.managers()?;
        let mut refused = Vec::new();
        for manager in &managers {
            match self.on_node_within(manager, &["node", "ls"], ANSWER_PATIENCE) {
                Ok(listed) => {
                    let stack = match self.services_within(manager, ANSWER_PATIENCE) {
                        Ok(services) if services.is_empty() => {
                            "no stack deployed (`l17-orchestrate deploy` deploys the course)\n"
                                .to_string()
                        }
                        Ok(services) => format!("the stack {STACK}:\n{}", table(&services)),
                        Err(error) => format!("the stack: {error:#}\n"),
                    };
                    return Ok(format!("as {manager} sees it:\n{listed}{stack}"));
                }
                Err(error) => refused.push(format!("{manager}: {error:#}")),
            }
        }
        bail!("no manager answers: {}", refused.join("; "))
    }

    /// Every container, volume and network of the lab, removed; says what it removed.
    pub fn down(&self) -> anyhow::Result<String> {
        let removed = self.remove_lab()?;
        Ok(format!(
            "the lab {} is down: {removed} removed",
            self.options.project
        ))
    }

    /// What `down` does: every container, volume and network carrying the lab's label
    /// removed, and what the lab kept on this machine (its certificates, its journal).
    pub fn remove_lab(&self) -> anyhow::Result<Removed> {
        let docker = self.docker()?;
        let containers = self.labelled(&["ps", "--all"])?;
        if !containers.is_empty() {
            // --volumes: the anonymous ones too. Each node's engine goes with its container.
            let mut remove = docker.docker();
            remove
                .args(["rm", "--force", "--volumes"])
                .args(&containers);
            if let Err(error) = run(&mut remove) {
                // A removal another command began (an `up` stopped a moment ago) is Docker's
                // to finish: waited for, rather than failed on.
                if !format!("{error:#}").contains("already in progress") {
                    return Err(error);
                }
                wait::until("the lab's containers removed", REMOVAL_PATIENCE, |seen| {
                    let left = self.labelled(&["ps", "--all"])?;
                    *seen = left.join(" ");
                    Ok(left.is_empty().then_some(()))
                })?;
            }
        }
        let volumes = self.labelled(&["volume", "ls"])?;
        self.remove_listed(VOLUMES, &["volume", "rm", "--force"], &volumes)?;
        let networks = self.labelled(&["network", "ls"])?;
        self.remove_listed(NETWORKS, &["network", "rm"], &networks)?;
        self.forget_certs()?;
        // The journal of its faults goes with the lab: a lab made again starts with none.
        if let Some(folder) = self.journal().parent() {
            let _ = std::fs::remove_dir_all(folder);
        }
        Ok(Removed {
            containers: containers.len(),
            volumes: volumes.len(),
            networks: networks.len(),
        })
    }

    /// What a lab left here that is no node (`docker` `ps --all`, `volume ls`, `network ls`
    /// with the lab's label), counted: what a second signal to `up` leaves, which `down`
    /// removes. `None` when nothing is left.
    pub fn remains(&self) -> anyhow::Result<Option<Removed>> {
        let remains = Removed {
            containers: self.labelled(&["ps", "--all"])?.len(),
            volumes: self.labelled(&["volume", "ls"])?.len(),
            networks: self.labelled(&["network", "ls"])?.len(),
        };
        Ok((remains != Removed::default()).then_some(remains))
    }

    /// The ids `docker WHAT… --quiet` lists of what carries the lab's label.
    /// Removes `names`, which `list` listed, with `remove`. Another take-down of the same
    /// lab may remove some of them first (a test's clean-up and the program it had running,
    /// both ended by one Ctrl-C): what `down` promises is that none is left, so an error with
    /// none left is none.
    fn remove_listed(
        &self,
        list: &[&str],
        remove: &[&str],
        names: &[String],
    ) -> anyhow::Result<()> {
        if names.is_empty() {
            return Ok(());
        }
        let mut command = self.docker()?.docker();
        command.args(remove).args(names);
        match run(&mut command) {
            Err(error) if !self.labelled(list)?.is_empty() => Err(error),
            _ => Ok(()),
        }
    }

    fn labelled(&self, what: &[&str]) -> anyhow::Result<Vec<String>> {
        let label = format!("label={PROJECT_LABEL}={}", self.options.project);
        let mut list = self.docker()?.docker();
        list.args(what).args(["--quiet", "--filter", &label]);
        Ok(run(&mut list)?.lines().map(str::to_string).collect())
    }
}

/// The lab's volumes and networks, listed.
const VOLUMES: &[&str] = &["volume", "ls"];
const NETWORKS: &[&str] = &["network", "ls"];

/// How many of each thing [`Swarm::remove_lab`] removed, or [`Swarm::remains`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub containers: usize,
    pub volumes: usize,
    pub networks: usize,
}

impl std::fmt::Display for Removed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}, {}, {}",
            counted(self.containers, "container"),
            counted(self.volumes, "volume"),
            counted(self.networks, "network")
        )
    }
}

/// `docker swarm join --token TOKEN ADDR` on this machine's own engine: how a second real
/// machine joins a swarm whose manager is at ADDR (`host:2377`, or `host` for that port).
/// Says what it did, or why the engine refused.
pub fn join(address: &str, token: &str) -> anyhow::Result<String> {
    let address = if address.contains(':') {
        address.to_string()
    } else {
        format!("{address}:2377")
    };
    if !token.starts_with("SWMTKN-") {
        bail!(
            "{token:?} is not a join token (they begin with SWMTKN-): `docker swarm \
             join-token -q worker` on a manager prints one"
        )
    }
    let mut state = Command::new("docker");
    state.args(["info", "--format", "{{.Swarm.LocalNodeState}}"]);
    let state = run(&mut state).context("this machine's Docker Engine does not answer")?;
    if state.trim() == "active" {
        bail!(
            "this machine's engine is in a swarm already (`docker info` says active): \
             `docker swarm leave` first, if that is what you want"
        )
    }
    let mut join = Command::new("docker");
    join.args(["swarm", "join", "--token", token, &address]);
    let said = run(&mut join)
        .with_context(|| format!("this machine could not join the swarm at {address}"))?;
    Ok(format!(
        "this machine's engine joined the swarm at {address}: {}\nits managers see it in \
         `docker node ls`; `docker swarm leave` takes it out again",
        said.trim()
    ))
}

#[cfg(test)]
mod tests;
