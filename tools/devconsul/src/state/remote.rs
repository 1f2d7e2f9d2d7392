//! Other agents' nodes in a server's catalog.
//!
//! In a cluster every agent keeps its own services and runs its own checks. The server's
//! catalog holds a copy of each node's, which that node's agent keeps up to date (Consul
//! calls it anti-entropy: `crate::cluster::sync`), plus the one check only the cluster can
//! run: `serfHealth`, whether gossip still reaches the node. A node that fails keeps its
//! services with `serfHealth` critical, so health queries leave them out; a node that
//! leaves is removed with everything it had.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Check, SERF_CHECK_ID, Service, Store};

/// Consul's `serfHealth` outputs (`agent/consul/leader.go`).
pub const ALIVE_OUTPUT: &str = "Agent alive and reachable";
pub const FAILED_OUTPUT: &str = "Agent not live or unreachable";

/// Another agent's node, as the server's catalog holds it.
#[derive(Debug, Clone, Default)]
pub struct RemoteNode {
    pub id: String,
    pub address: String,
    pub services: BTreeMap<String, Service>,
    /// Its checks, `serfHealth` among them.
    pub checks: BTreeMap<String, Check>,
    pub create_index: u64,
    pub modify_index: u64,
}

/// What a node's agent sends the server: its node, and its services and checks as it
/// holds them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeSync {
    pub node: String,
    pub id: String,
    pub address: String,
    pub datacenter: String,
    pub services: Vec<Service>,
    pub checks: Vec<Check>,
}

impl Store {
    /// Gossip found `node` alive: it is added with a passing `serfHealth`, or its
    /// `serfHealth` turns passing again. Returns whether anything changed.
    pub fn node_alive(&mut self, node: &str, id: &str, address: &str) -> bool {
        let known = self.remote.get(node);
        let unchanged = known.is_some_and(|known| {
            known.address == address
                && known.checks.get(SERF_CHECK_ID).map(|c| c.status.as_str()) == Some("passing")
        });
        if unchanged {
            return false;
        }
        let index = self.bump();
        let entry = self
            .remote
            .entry(node.to_string())
            .or_insert_with(|| RemoteNode {
                id: id.to_string(),
                address: address.to_string(),
                create_index: index,
                modify_index: index,
                ..RemoteNode::default()
            });
        entry.address = address.to_string();
        entry.modify_index = index;
        set_serf_health(entry, "passing", ALIVE_OUTPUT, index);
        let names = service_names(entry);
        self.node_index = index;
        self.node_changed(names, index);
        true
    }

    /// Gossip can no longer reach `node`: its `serfHealth` turns critical, and it stays in
    /// the catalog with its services. Returns whether anything changed.
    pub fn node_failed(&mut self, node: &str) -> bool {
        let index = self.index + 1;
        let Some(entry) = self.remote.get_mut(node) else {
            return false;
        };
        if entry.checks.get(SERF_CHECK_ID).map(|c| c.status.as_str()) == Some("critical") {
            return false;
        }
        set_serf_health(entry, "critical", FAILED_OUTPUT, index);
        let names = service_names(entry);
        self.index = index;
        self.node_changed(names, index);
        true
    }

    /// `node` left (or was forced out): it goes, with its services and checks.
    pub fn remove_node(&mut self, node: &str) -> bool {
        let Some(entry) = self.remote.remove(node) else {
            return false;
        };
        let index = self.bump();
        self.node_index = index;
        self.node_changed(service_names(&entry), index);
        true
    }

    /// Replaces a node's services and checks with what its agent holds (its `serfHealth`
    /// stays the server's). Returns whether anything changed.
    pub fn sync_node(&mut self, sync: NodeSync) -> bool {
        if !self.remote.contains_key(&sync.node) {
            // Its agent is evidently alive; gossip will say so too.
            self.node_alive(&sync.node, &sync.id, &sync.address);
        }
        let index = self.index + 1;
        let Some(entry) = self.remote.get_mut(&sync.node) else {
            return false;
        };
        let mut names = service_names(entry);
        let mut changed = false;

        let services: BTreeMap<String, Service> = sync
            .services
            .into_iter()
            .filter(|s| !s.builtin)
            .map(|mut service| {
                match entry.services.get(&service.id) {
                    Some(old) if old.same_as(&service) => {
                        service.create_index = old.create_index;
                        service.modify_index = old.modify_index;
                    }
                    old => {
                        changed = true;
                        service.create_index = old.map_or(index, |o| o.create_index);
                        service.modify_index = index;
                    }
                }
                (service.id.clone(), service)
            })
            .collect();
        changed |= entry.services.keys().any(|id| !services.contains_key(id));
        entry.services = services;

        let serf = entry.checks.remove(SERF_CHECK_ID);
        let mut checks: BTreeMap<String, Check> = sync
            .checks
            .into_iter()
            .filter(|c| !c.builtin)
            .map(|mut check| {
                // Only the owning agent runs it: the copy has no runner and is never reaped here.
                check.generation = 0;
                match entry.checks.get(&check.id) {
                    Some(old) if same_check(old, &check) => {
                        check.create_index = old.create_index;
                        check.modify_index = old.modify_index;
                    }
                    old => {
                        changed = true;
                        check.create_index = old.map_or(index, |o| o.create_index);
                        check.modify_index = index;
                    }
                }
                (check.id.clone(), check)
            })
            .collect();
        changed |= entry.checks.keys().any(|id| !checks.contains_key(id));
        if let Some(serf) = serf {
            checks.insert(SERF_CHECK_ID.to_string(), serf);
        }
        entry.checks = checks;
        if !changed {
            return false;
        }
        entry.modify_index = index;
        names.extend(service_names(entry));
        self.index = index;
        self.node_changed(names, index);
        true
    }

    /// Moves the indexes that reads of a remote node's rows wait on.
    fn node_changed(&mut self, names: BTreeSet<String>, index: u64) {
        for name in names {
            self.touch_name(&name, index, true);
        }
        self.services_index = index;
        self.checks_index = index;
        self.node_checks_index = index;
    }
}

/// Sets a remote node's `serfHealth`, creating it the first time.
fn set_serf_health(node: &mut RemoteNode, status: &str, output: &str, index: u64) {
    let check = node
        .checks
        .entry(SERF_CHECK_ID.to_string())
        .or_insert_with(|| Check::serf_health(status, output, index));
    check.status = status.to_string();
    check.output = output.to_string();
    check.modify_index = index;
}

fn service_names(node: &RemoteNode) -> BTreeSet<String> {
    node.services.values().map(|s| s.name.clone()).collect()
}

/// The same check, ignoring when it was written and by which runner.
fn same_check(old: &Check, new: &Check) -> bool {
    old.name == new.name
        && old.status == new.status
        && old.notes == new.notes
        && old.output == new.output
        && old.service_id == new.service_id
        && old.definition == new.definition
}
