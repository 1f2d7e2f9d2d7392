//! `partition`/`heal`: a node cut off from every other node while it keeps running.
//!
//! The node is cut off by a blackhole route each way, inside each node, as lesson 14's
//! nemesis cut its hosts: what either side sends the other is dropped. To the managers it
//! looks like a dead node; to the node, the managers are gone. `heal` removes every such
//! route and marks every partition of the journal ended.

use std::time::SystemTime;

use anyhow::Context;
use lab::history::{self, Fault};

use super::fault::end_fault_at;
use super::{Node, Swarm, counted};

impl Swarm {
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
        self.commands
            .run(&mut route)
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
            for route in self.commands.run(&mut list)?.lines() {
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
                self.commands.run(&mut delete)?;
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
        Ok(format!(
            "healed: {} removed",
            counted(removed, "blackhole route")
        ))
    }
}
