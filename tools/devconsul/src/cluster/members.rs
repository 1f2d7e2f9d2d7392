//! What a membership change means: the member table that `members` shows, the server's
//! catalog (a node alive, failed or gone), the joins waiting for an answer, and the list
//! `-rejoin` reads after a restart. The gossip loop (`gossip`) calls these after each of
//! foca's notifications.

use std::net::SocketAddr;

use super::gossip::{Gossip, PendingJoin};
use super::{Id, Member, Status};
use crate::shared::lock;

impl Gossip {
    /// A member gossip found alive. Returns whether the table changed.
    pub(super) fn up(&mut self, id: Id) -> bool {
        let me = &self.cluster.me;
        let refusal = if id.datacenter != me.datacenter {
            Some(format!(
                "the agent at {} (node {}) is in datacenter {:?} and this one in {:?}: agents join only their own datacenter",
                id.gossip, id.node, id.datacenter, me.datacenter
            ))
        } else if id.node == me.node {
            Some(format!(
                "the agent at {} is also named {:?}: give each agent its own -node",
                id.gossip, id.node
            ))
        } else {
            let members = self.cluster.lock();
            members
                .get(&id.node)
                .filter(|m| m.status == Status::Alive && m.id.gossip != id.gossip)
                .map(|m| {
                    format!(
                        "the agents at {} and {} are both named {:?}: give each agent its own -node",
                        m.id.gossip, id.gossip, id.node
                    )
                })
        };
        if let Some(refusal) = refusal {
            tracing::error!(target: "agent.serf", "serf: member refused: {refusal}");
            self.answer_joins(id.gossip, Err(refusal));
            return false;
        }
        self.answer_joins(id.gossip, Ok(id.node.clone()));
        let before = self.cluster.lock().insert(
            id.node.clone(),
            Member {
                id: id.clone(),
                status: Status::Alive,
            },
        );
        if before.is_some_and(|b| b.status == Status::Alive && b.id == id) {
            return false;
        }
        tracing::info!(target: "agent.serf", node = %id.node, address = %id.gossip.ip(), "serf: EventMemberJoin");
        self.on_server(|store| {
            store.node_alive(
                &id.node,
                &crate::shared::node_id(&id.node),
                &id.gossip.ip().to_string(),
            )
        });
        true
    }

    /// A member gossip declared down: it left if it said so first, else it failed.
    pub(super) fn down(&mut self, id: &Id) -> bool {
        let mut members = self.cluster.lock();
        let Some(member) = members
            .get_mut(&id.node)
            .filter(|m| m.id.gossip == id.gossip)
        else {
            return false;
        };
        if member.status != Status::Alive {
            return false;
        }
        member.status = Status::Failed;
        drop(members);
        tracing::info!(target: "agent.serf", node = %id.node, address = %id.gossip.ip(), "serf: EventMemberFailed");
        self.on_server(|store| store.node_failed(&id.node));
        true
    }

    /// Members that went down after their intent to leave was heard have left.
    pub(super) fn apply_intents(&mut self) -> bool {
        let intents = lock(&self.intents).clone();
        let left: Vec<String> = self
            .cluster
            .lock()
            .values_mut()
            .filter(|m| m.status == Status::Failed && intents.covers(&m.id.node, m.id.bump))
            .map(|m| {
                m.status = Status::Left;
                m.id.node.clone()
            })
            .collect();
        for node in &left {
            tracing::info!(target: "agent.serf", node = %node, "serf: EventMemberLeave");
            self.on_server(|store| store.remove_node(node));
        }
        !left.is_empty()
    }

    /// On a server, applies a membership change to the catalog.
    pub(super) fn on_server(&self, change: impl FnOnce(&mut crate::state::Store) -> bool) {
        if !self.cluster.me.server {
            return;
        }
        if let Some(shared) = self.shared.upgrade() {
            shared.write(change);
        }
    }

    pub(super) fn answer_joins(&mut self, target: SocketAddr, answer: Result<String, String>) {
        let (done, waiting) = std::mem::take(&mut self.pending)
            .into_iter()
            .partition(|p| p.target == target);
        self.pending = waiting;
        for PendingJoin { reply, .. } in done {
            let _ = reply.send(answer.clone());
        }
    }

    /// Writes the live members' addresses where `-rejoin` finds them after a restart.
    pub(super) fn remember_members(&self) {
        let addresses: Vec<String> = self
            .cluster
            .lock()
            .values()
            .filter(|m| m.status == Status::Alive && m.id != self.cluster.me)
            .map(|m| m.id.gossip.to_string())
            .collect();
        let path = super::join::snapshot_path(&self.cluster.config.data_dir);
        if let Err(error) = std::fs::write(&path, addresses.join("\n")) {
            tracing::warn!(target: "agent.serf", %error, path = %path.display(), "could not remember the members");
        }
    }
}
