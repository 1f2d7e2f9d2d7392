//! The swarm: its nodes, the lab's image registry, the course's stack, and the faults.
//!
//! Lesson 14's hosts ran what the lesson started on them. Here each node is a container
//! running a Docker Engine of its own, and the engines together are one swarm: a person (or
//! this program) tells a manager what should run, and the swarm decides where, and keeps it
//! so. [`Swarm`] is what the lesson's commands do to one:
//!
//! - `image`: the nodes' image and the course's ([`image`]);
//! - `up`: the lab's network, its registry, the nodes, the swarm ([`up`]), each node at its
//!   address ([`plan`]), the course's image in the registry ([`registry`]); `down`,
//!   `status` and `join` ([`nodes`]);
//! - `deploy`: the course as a stack, `lab/stack.yaml` ([`stack`]), done when what the swarm
//!   says of its services ([`status`]) is every replica running; `deploy --tls` over
//!   lesson 16's mutual TLS, its keys as swarm secrets ([`secrets`]); lesson 15's
//!   Prometheus in the stack, scraping every replica ([`metrics`]);
//! - `load`: lesson 14's load through the published gateways, its history and timeline
//!   ([`load`]);
//! - the faults, each journaled ([`fault`]): `drain` and `kill-engine` ([`fault_node`]),
//!   `partition` ([`fault_partition`]), `quorum-loss` ([`fault_quorum`]), `update` and
//!   `update --failing` ([`fault_update`]);
//! - every wait with a deadline, saying what it saw ([`wait`]); every command it runs, and
//!   how they are ended when `up` or `deploy` is stopped ([`commands`], [`stopping`]).
//!
//! Every lab is a project (`--project`, `L17_PROJECT`, [`options`]): its containers, volumes and network
//! carry the label `l17.project=PROJECT`, so that two labs live side by side and `down`
//! finds everything its lab made.

pub mod commands;
pub mod engine;
pub mod fault;
pub mod fault_node;
pub mod fault_partition;
pub mod fault_quorum;
pub mod fault_update;
pub mod image;
pub mod load;
pub mod metrics;
pub mod nodes;
pub mod options;
mod paths;
pub mod plan;
pub mod registry;
pub mod secrets;
pub mod stack;
pub mod status;
pub mod stopping;
pub mod up;
pub mod wait;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Command;
use std::sync::OnceLock;

use lab::docker::Docker;

use commands::Commands;

pub use nodes::{Node, Role};
pub use options::SwarmOptions;

/// The label on everything a lab makes, whose value is its project.
pub const PROJECT_LABEL: &str = "l17.project";
/// Where the gateways listen, on the nodes that run one (published there, `mode: host`).
pub const GATEWAY_PORT: u16 = 8080;
/// How long a question to one node's engine may take before another is asked: a frozen
/// engine (`quorum-loss`) never answers, and a person's `status` must not wait for it.
pub const ANSWER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);
/// The seed's call through a gateway: the user service's `Say.Hello`.
pub const HELLO_PATH: &str = "/user/say/hello?name=swarm";

/// A lab, up or not.
pub struct Swarm {
    pub options: SwarmOptions,
    docker: OnceLock<Docker>,
    /// The commands it runs, which a stop ends.
    commands: Commands,
}

impl Swarm {
    pub fn new(options: SwarmOptions) -> Swarm {
        Swarm {
            options,
            docker: OnceLock::new(),
            commands: Commands::default(),
        }
    }

    /// Docker on this machine, checked once.
    pub fn docker(&self) -> anyhow::Result<&Docker> {
        if let Some(docker) = self.docker.get() {
            return Ok(docker);
        }
        let docker = Docker::connect()?;
        Ok(self.docker.get_or_init(|| docker))
    }

    /// The container of the node whose hostname is `name` (`manager-1`).
    pub fn container(&self, name: &str) -> String {
        format!("{}-{name}", self.options.project)
    }

    /// The lab's network on this machine.
    pub fn network(&self) -> String {
        format!("{}-lab", self.options.project)
    }

    /// The registry's container (its name on the lab's network: `registry`).
    pub fn registry_container(&self) -> String {
        format!("{}-registry", self.options.project)
    }

    /// `docker ARGS…` run by the engine of node `name`, inside its container: what a person
    /// logged in on that node would type. Its output, or why it failed.
    pub fn on_node(&self, name: &str, args: &[&str]) -> anyhow::Result<String> {
        self.commands.run(&mut self.on_node_command(name, args))
    }

    /// [`Swarm::on_node`], given up after `patience`: for a question to a node whose engine
    /// may be frozen (`status`, finding a manager that answers).
    pub fn on_node_within(
        &self,
        name: &str,
        args: &[&str],
        patience: std::time::Duration,
    ) -> anyhow::Result<String> {
        self.commands
            .run_within(&mut self.on_node_command(name, args), patience)
    }

    /// The command [`Swarm::on_node`] runs, for a caller that wants its stdin or its exit.
    pub fn on_node_command(&self, name: &str, args: &[&str]) -> Command {
        let mut command = Command::new("docker");
        command.args(["exec", "-i", &self.container(name), "docker"]);
        command.args(args);
        command
    }

    /// The nodes of the lab, as `up` made them: from the containers carrying its label.
    pub fn nodes(&self) -> anyhow::Result<Vec<Node>> {
        nodes::of_project(self)
    }

    /// The nodes of a lab that is up, or why there are none: every command but `up` and
    /// `down` needs one, and says so before anything else.
    pub fn nodes_up(&self) -> anyhow::Result<Vec<Node>> {
        let nodes = self.nodes()?;
        if nodes.is_empty() {
            anyhow::bail!(
                "no lab {} here: `l17-orchestrate up` makes one",
                self.options.project
            )
        }
        Ok(nodes)
    }

    /// The managers' hostnames, first the one `up` made the swarm on.
    pub fn managers(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .nodes_up()?
            .into_iter()
            .filter(|node| node.role == Role::Manager)
            .map(|node| node.name)
            .collect())
    }

    /// Where the gateways answer, from this machine: port 8080 at the address of each node
    /// labelled `gateway=true` (the lab's network is reachable from the machine it runs on).
    pub fn gateways(&self) -> anyhow::Result<Vec<SocketAddr>> {
        Ok(self
            .nodes()?
            .into_iter()
            .filter(|node| node.gateway)
            .map(|node| SocketAddr::from((node.address, GATEWAY_PORT)))
            .collect())
    }

    /// The address of host `.last` on the lab's network.
    fn address(&self, last: u8) -> anyhow::Result<Ipv4Addr> {
        let text = format!("{}.{last}", self.options.subnet_prefix);
        text.parse().map_err(|_| {
            anyhow::anyhow!(
                "--subnet-prefix {} is not the first three numbers of an IPv4 address",
                self.options.subnet_prefix
            )
        })
    }
}

/// `1 network`, `5 networks`: a count and its noun, agreeing in number.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// `text`'s lines on one line, each trimmed, the empty ones left out, joined by `; `: what a
/// command said, or a wait saw, quoted in an error, which is one line.
pub fn folded(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_folded_onto_one() {
        assert_eq!(folded("  a\n\n  b c\n"), "a; b c");
        assert_eq!(folded(""), "");
    }

    #[test]
    fn a_count_agrees_with_its_noun() {
        assert_eq!(counted(1, "network"), "1 network");
        assert_eq!(counted(0, "network"), "0 networks");
        assert_eq!(counted(5, "blackhole route"), "5 blackhole routes");
    }
}
