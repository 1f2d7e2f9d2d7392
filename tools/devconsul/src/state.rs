//! The agent's state: services, checks and KV pairs, and the index that orders changes.
//!
//! Consul stamps every change with a raft index, and blocking queries are built on it: a
//! client says "answer when the index passes N". Here one counter plays the raft index.
//! Each row remembers when it was created and last modified, and the store keeps a few
//! per-resource indexes (per service name, all services, all checks, node checks, KV
//! deletions) so that a query's index moves only when something it reads has changed.
//!
//! The store is plain data behind one mutex: every method runs in a few microseconds and
//! never waits. Who gets woken, and which check runners start or stop, is decided by the
//! caller in [`crate::shared`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::definition::{CheckType, ServiceAddress, ServiceDefinition, Weights};

mod checks;
mod kv;
mod remote;

pub use kv::KvEntry;
pub use remote::{NodeSync, RemoteNode};

/// The check every node has: Serf says the node is alive.
pub const SERF_CHECK_ID: &str = "serfHealth";
/// The check that puts the whole node into maintenance.
pub const NODE_MAINTENANCE_ID: &str = "_node_maintenance";
/// The prefix of a service's maintenance check, followed by the service ID.
pub const SERVICE_MAINTENANCE_PREFIX: &str = "_service_maintenance:";

/// A registered service instance. (The serde form is how a cluster's agent hands its
/// services to the server, `crate::cluster::sync`; Consul's JSON is in [`crate::views`].)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub tags: Vec<String>,
    pub address: String,
    pub port: i64,
    pub meta: BTreeMap<String, String>,
    pub tagged_addresses: BTreeMap<String, ServiceAddress>,
    pub weights: Weights,
    pub enable_tag_override: bool,
    pub socket_path: String,
    /// The catalog's own `consul` service: in the catalog, not in the agent's list.
    pub builtin: bool,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Service {
    /// The same service, ignoring when it was written.
    fn same_as(&self, other: &Service) -> bool {
        Service {
            create_index: 0,
            modify_index: 0,
            ..self.clone()
        } == Service {
            create_index: 0,
            modify_index: 0,
            ..other.clone()
        }
    }
}

/// A health check: its definition, and the status its runner last reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub name: String,
    pub status: String,
    pub notes: String,
    pub output: String,
    /// Empty for node-level checks.
    pub service_id: String,
    pub definition: CheckType,
    /// Changes whenever the definition does, so a runner of an older definition can tell
    /// that its results no longer count.
    pub generation: u64,
    /// When the check last became critical, for DeregisterCriticalServiceAfter.
    #[serde(skip)]
    pub critical_since: Option<Instant>,
    /// When a TTL check expires unless it hears from its service.
    #[serde(skip)]
    pub ttl_deadline: Option<Instant>,
    /// Built in (`serfHealth`): in the catalog, not in the agent's list.
    pub builtin: bool,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Check {
    /// A node's `serfHealth`: what gossip says of it, never run by a check runner.
    pub fn serf_health(status: &str, output: &str, index: u64) -> Check {
        Check {
            id: SERF_CHECK_ID.into(),
            name: "Serf Health Status".into(),
            status: status.into(),
            output: output.into(),
            builtin: true,
            create_index: index,
            modify_index: index,
            ..Check::default()
        }
    }

    pub fn ttl(&self) -> Option<Duration> {
        (self.definition.ttl > 0 && self.definition.kind() == "ttl")
            .then(|| Duration::from_nanos(self.definition.ttl as u64))
    }
}

/// Why a TTL update was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum TtlError {
    UnknownCheck,
    NotTtl,
}

/// The last index at which anything about a service name changed.
#[derive(Debug, Default, Clone, Copy)]
struct NameIndex {
    /// Instances added, changed or removed.
    catalog: u64,
    /// The above, or a check of an instance changed.
    health: u64,
}

/// Everything the agent knows. (`Store::default()` is empty: an agent's store starts as
/// [`Store::new`] makes it.)
#[derive(Debug, Default)]
pub struct Store {
    index: u64,
    next_generation: u64,
    pub node_index: u64,
    pub services: BTreeMap<String, Service>,
    pub checks: BTreeMap<String, Check>,
    pub kv: BTreeMap<String, KvEntry>,
    /// On a cluster's server: the other agents' nodes (empty on a client and with `-dev`).
    pub remote: BTreeMap<String, RemoteNode>,
    names: HashMap<String, NameIndex>,
    services_index: u64,
    checks_index: u64,
    node_checks_index: u64,
    kv_deleted_index: u64,
}

impl Store {
    /// A store holding the node, its `serfHealth` check and the `consul` service.
    pub fn new() -> Store {
        let mut store = Store::default();
        store.node_index = store.bump();
        let index = store.bump();
        let check = Check::serf_health("passing", remote::ALIVE_OUTPUT, index);
        store.checks.insert(check.id.clone(), check);
        store.checks_index = index;
        store.node_checks_index = index;
        let index = store.bump();
        let consul = Service {
            id: "consul".into(),
            name: "consul".into(),
            port: 8300,
            builtin: true,
            create_index: index,
            modify_index: index,
            ..Service::default()
        };
        store.services.insert(consul.id.clone(), consul);
        store.touch_name("consul", index, true);
        store.services_index = index;
        store
    }

    /// The newest index handed out.
    pub fn index(&self) -> u64 {
        self.index
    }

    fn bump(&mut self) -> u64 {
        self.index += 1;
        self.index
    }

    fn generation(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    fn touch_name(&mut self, name: &str, index: u64, catalog: bool) {
        let entry = self.names.entry(name.to_string()).or_default();
        entry.health = index;
        if catalog {
            entry.catalog = index;
        }
    }

    /// The index of `/v1/catalog/services` and other whole-catalog service reads.
    pub fn services_index(&self) -> u64 {
        self.services_index
    }

    /// The index of `/v1/catalog/service/:name`.
    pub fn catalog_index(&self, name: &str) -> u64 {
        self.names
            .get(name)
            .map_or(0, |n| n.catalog)
            .max(self.node_index)
    }

    /// The index of `/v1/health/service/:name`: its instances, their checks, node checks.
    pub fn health_index(&self, name: &str) -> u64 {
        self.names
            .get(name)
            .map_or(0, |n| n.health)
            .max(self.node_checks_index)
    }

    /// The index of `/v1/health/checks/:name`.
    pub fn service_checks_index(&self, name: &str) -> u64 {
        self.names.get(name).map_or(0, |n| n.health)
    }

    /// The index of reads over every check.
    pub fn checks_index(&self) -> u64 {
        self.checks_index
    }

    /// Services in the agent's own list (not the built-in `consul`).
    pub fn agent_services(&self) -> impl Iterator<Item = &Service> {
        self.services.values().filter(|s| !s.builtin)
    }

    /// Checks in the agent's own list (not `serfHealth`).
    pub fn agent_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.values().filter(|c| !c.builtin)
    }

    /// The checks of one service, or with `service_id == ""` the node's checks.
    pub fn checks_of<'a>(&'a self, service_id: &'a str) -> impl Iterator<Item = &'a Check> + 'a {
        self.checks
            .values()
            .filter(move |c| c.service_id == service_id)
    }

    /// The instances of a service name.
    pub fn instances<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Service> + 'a {
        self.services.values().filter(move |s| s.name == name)
    }

    /// Registers (or replaces) a service and its checks, keeping the status of checks that
    /// already existed. Returns the service ID.
    pub fn register_service(
        &mut self,
        definition: &ServiceDefinition,
        replace_existing_checks: bool,
    ) -> String {
        let id = definition.service_id();
        let index = self.index + 1;
        let mut changed = false;

        let mut tagged_addresses = definition.tagged_addresses.clone();
        // Consul adds the address it was given under lan/wan keys for its IP family.
        if let Ok(ip) = definition.address.parse::<IpAddr>() {
            let family = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
            for key in [format!("lan_{family}"), format!("wan_{family}")] {
                tagged_addresses
                    .entry(key)
                    .or_insert_with(|| ServiceAddress {
                        address: definition.address.clone(),
                        port: definition.port,
                    });
            }
        }
        let mut service = Service {
            id: id.clone(),
            name: definition.name.clone(),
            kind: definition.kind.clone(),
            tags: definition.tags.clone(),
            address: definition.address.clone(),
            port: definition.port,
            meta: definition.meta.clone(),
            tagged_addresses,
            weights: definition.weights.unwrap_or_default(),
            enable_tag_override: definition.enable_tag_override,
            socket_path: definition.socket_path.clone(),
            builtin: false,
            create_index: index,
            modify_index: index,
        };
        match self.services.get(&id) {
            Some(old) if old.same_as(&service) => {}
            old => {
                if let Some(old) = old {
                    service.create_index = old.create_index;
                    let old_name = old.name.clone();
                    self.touch_name(&old_name, index, true);
                }
                self.touch_name(&service.name, index, true);
                self.services.insert(id.clone(), service);
                self.services_index = index;
                changed = true;
            }
        }

        let many = definition.checks.len() > 1;
        let mut kept = BTreeSet::new();
        for (position, check_type) in definition.checks.iter().enumerate() {
            let check_id = match (&check_type.check_id, many) {
                (given, _) if !given.is_empty() => given.clone(),
                (_, false) => format!("service:{id}"),
                (_, true) => format!("service:{id}:{}", position + 1),
            };
            let mut check_type = check_type.clone();
            check_type.check_id = check_id.clone();
            check_type.service_id = id.clone();
            if check_type.name.is_empty() {
                check_type.name = format!("Service '{}' check", definition.name);
            }
            kept.insert(check_id);
            changed |= self.put_check(&check_type, index);
        }
        if replace_existing_checks {
            let stale: Vec<String> = self
                .checks_of(&id)
                .filter(|c| !kept.contains(&c.id) && !c.id.starts_with(SERVICE_MAINTENANCE_PREFIX))
                .map(|c| c.id.clone())
                .collect();
            for check_id in stale {
                self.checks.remove(&check_id);
                changed = true;
            }
        }
        if changed {
            self.index = index;
            self.checks_index = index;
            self.touch_name(&definition.name, index, false);
        }
        id
    }
}

/// Consul's cut of an over-long output: `"<first N bytes> ... (captured N of M bytes)"`.
pub fn truncate_output(output: &str, limit: usize) -> String {
    if output.len() <= limit {
        return output.to_string();
    }
    let mut cut = limit;
    while !output.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        "{} ... (captured {cut} of {} bytes)",
        &output[..cut],
        output.len()
    )
}

/// The worst of some statuses: critical, then warning, then passing.
pub fn worst<'a>(statuses: impl IntoIterator<Item = &'a str>) -> &'static str {
    let mut worst = "passing";
    for status in statuses {
        match status {
            "critical" => return "critical",
            "warning" => worst = "warning",
            _ => {}
        }
    }
    worst
}

#[cfg(test)]
mod tests;
