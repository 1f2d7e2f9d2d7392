//! Health-filtered discovery: `GET /v1/health/service/:name?passing`.
//!
//! The catalog lists every registered instance, up or down. The health endpoint joins each
//! instance with its checks and, with `?passing`, keeps only the instances whose checks all
//! pass — the ones worth calling. With `?index=N&wait=D` it becomes a *blocking query*: the
//! agent holds the request until the answer differs from the one at index `N` (or `D` has
//! passed), which is how a client watches a service without polling.

use std::collections::HashMap;
use std::time::Duration;

use consulrs::client::ConsulClient;
use reqwest::Method;
use serde::{Deserialize, Deserializer};

use crate::{Error, api};

/// Something that says where a Consul agent's HTTP API is: a consulrs [`ConsulClient`]
/// (whose HTTP connections and token are then reused) or a base URL.
pub trait AgentAddress {
    /// The agent's base URL, e.g. `http://127.0.0.1:8500`.
    fn base_url(&self) -> &str;

    /// An HTTP client to reuse, if there is one.
    fn http_client(&self) -> Option<&reqwest::Client> {
        None
    }

    /// The ACL token to send, if any.
    fn token(&self) -> Option<&str> {
        None
    }
}

impl AgentAddress for ConsulClient {
    fn base_url(&self) -> &str {
        &self.settings.address
    }

    fn http_client(&self) -> Option<&reqwest::Client> {
        Some(&self.http.http)
    }

    fn token(&self) -> Option<&str> {
        self.settings.token.as_deref()
    }
}

impl AgentAddress for str {
    fn base_url(&self) -> &str {
        self
    }
}

impl AgentAddress for String {
    fn base_url(&self) -> &str {
        self
    }
}

// ANCHOR: types
/// One instance of a service as the health endpoint reports it: the node it runs on, its
/// registration, and every check that decides its health (the node's checks included).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceEntry {
    pub node: Node,
    pub service: Service,
    #[serde(default, deserialize_with = "null_as_default")]
    pub checks: Vec<Check>,
}

/// The node (machine) an instance runs on.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Node {
    #[serde(rename = "ID")]
    pub id: String,
    /// The node's name.
    pub node: String,
    pub address: String,
    pub datacenter: String,
    /// A node's tagged addresses are plain strings (`{"lan": "10.0.0.1"}`).
    #[serde(deserialize_with = "null_as_default")]
    pub tagged_addresses: HashMap<String, String>,
    #[serde(deserialize_with = "null_as_default")]
    pub meta: HashMap<String, String>,
}

/// A registered service instance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Service {
    /// The instance's ID, unique on its agent.
    #[serde(rename = "ID")]
    pub id: String,
    /// The service's name, shared by all its instances.
    pub service: String,
    #[serde(deserialize_with = "null_as_default")]
    pub tags: Vec<String>,
    /// Empty when the instance registered none: then it is reached at the node's address.
    pub address: String,
    pub port: u16,
    #[serde(deserialize_with = "null_as_default")]
    pub meta: HashMap<String, String>,
    /// A service's tagged addresses are objects (`{"lan_ipv4": {"Address": .., "Port": ..}}`),
    /// unlike a node's — the shape consulrs 0.1.0 gets wrong.
    #[serde(deserialize_with = "null_as_default")]
    pub tagged_addresses: HashMap<String, ServiceAddress>,
    pub weights: Weights,
}

/// One tagged address of a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ServiceAddress {
    pub address: String,
    pub port: u16,
}

/// How much traffic an instance should get while passing or warning (DNS uses them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Weights {
    pub passing: u32,
    pub warning: u32,
}

/// One health check and its latest result.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Check {
    #[serde(rename = "CheckID")]
    pub check_id: String,
    #[serde(default)]
    pub name: String,
    pub status: CheckStatus,
    /// What the last run said (`TCP connect 127.0.0.1:7005: Success`, `TTL expired`, ...).
    #[serde(default)]
    pub output: String,
    /// Empty for the node's own checks (such as `serfHealth`).
    #[serde(rename = "ServiceID", default)]
    pub service_id: String,
    /// `tcp`, `http`, `grpc`, `ttl`, ... (empty for `serfHealth` and maintenance).
    #[serde(rename = "Type", default)]
    pub kind: String,
}

/// A check's status; an instance is as healthy as its worst check. (They are ordered from
/// best to worst.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Passing,
    Warning,
    Critical,
}
// ANCHOR_END: types

impl ServiceEntry {
    /// The worst status among the instance's checks (the node's included), `Passing` with
    /// none: what `?passing` looks at.
    pub fn worst_check(&self) -> CheckStatus {
        let statuses = self.checks.iter().map(|check| check.status);
        statuses.max().unwrap_or(CheckStatus::Passing)
    }

    /// Where to connect to this instance, `host:port`: the service's own address, or the
    /// node's when the service registered none (what Consul's DNS interface answers too).
    pub fn address(&self) -> String {
        let host = if self.service.address.is_empty() {
            &self.node.address
        } else {
            &self.service.address
        };
        if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]:{}", self.service.port) // an IPv6 literal
        } else {
            format!("{host}:{}", self.service.port)
        }
    }
}

/// Consul sends `null` for some empty lists and maps; read it as empty.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The healthy instances of a service and the index to watch them from.
#[derive(Debug, Clone)]
pub struct Instances {
    pub entries: Vec<ServiceEntry>,
    /// Pass this to the next [`watch_healthy_instances`]. `0` means "ask again without
    /// waiting": the agent's index went backwards (it restarted), so the last answer is no
    /// reference point any more.
    pub index: u64,
}

// ANCHOR: healthy_instances
/// The instances of `service` whose checks all pass (optionally: that carry `tag`).
///
/// `GET /v1/health/service/:service?passing=true[&tag=…]` on the agent.
pub async fn healthy_instances(
    agent: &(impl AgentAddress + ?Sized),
    service: &str,
    tag: Option<&str>,
) -> Result<Vec<ServiceEntry>, Error> {
    Ok(query(agent, service, tag, None).await?.entries)
}
// ANCHOR_END: healthy_instances

// ANCHOR: watch
/// The blocking form of [`healthy_instances`]: the agent answers once the healthy set may
/// differ from the one it reported at `index`, or after `wait` with the same set again.
///
/// Start with `index` 0 (answers at once), then pass each answer's [`Instances::index`]
/// back. An answer is no proof of a change: compare the entries.
pub async fn watch_healthy_instances(
    agent: &(impl AgentAddress + ?Sized),
    service: &str,
    tag: Option<&str>,
    index: u64,
    wait: Duration,
) -> Result<Instances, Error> {
    query(agent, service, tag, Some((index, wait))).await
}
// ANCHOR_END: watch

async fn query(
    agent: &(impl AgentAddress + ?Sized),
    service: &str,
    tag: Option<&str>,
    blocking: Option<(u64, Duration)>,
) -> Result<Instances, Error> {
    let mut url = api::url(agent, &["health", "service", service])?;
    url.query_pairs_mut().append_pair("passing", "true");
    if let Some(tag) = tag {
        url.query_pairs_mut().append_pair("tag", tag);
    }
    let timeout = match blocking {
        Some((index, wait)) => api::blocking(&mut url, index, wait),
        None => api::REQUEST_TIMEOUT,
    };
    let answer = api::send(agent, Method::GET, url, None, timeout).await?;
    Ok(Instances {
        entries: readable_entries(&answer)?,
        index: answer.next_index(blocking.map(|(index, _)| index))?,
    })
}

/// Every instance of `service` with its checks, passing or not: what an operator looks at.
///
/// `GET /v1/health/service/:service` on the agent, without `?passing`. (consulrs 0.1.0 has
/// no health endpoint at all.)
pub async fn all_instances(
    agent: &(impl AgentAddress + ?Sized),
    service: &str,
) -> Result<Vec<ServiceEntry>, Error> {
    let url = api::url(agent, &["health", "service", service])?;
    let answer = api::send(agent, Method::GET, url, None, api::REQUEST_TIMEOUT).await?;
    readable_entries(&answer)
}

/// The entries of a health answer: a list first, each entry on its own after, so that one
/// bad registration costs only itself.
fn readable_entries(answer: &api::Answer) -> Result<Vec<ServiceEntry>, Error> {
    let listed: Vec<serde_json::Value> = answer.json()?;
    Ok(listed.into_iter().filter_map(readable_entry).collect())
}

// ANCHOR: readable_entry
/// One entry of the agent's answer as a [`ServiceEntry`], or `None` (logged once per
/// instance) when it cannot be one. The agent accepts any integer as a registration's port,
/// as Consul does: `Port: 70000` or `-1` is in the catalog as surely as a good instance is,
/// and it must not hide the good ones from every caller.
fn readable_entry(entry: serde_json::Value) -> Option<ServiceEntry> {
    match ServiceEntry::deserialize(&entry) {
        Ok(entry) => Some(entry),
        Err(error) => {
            let service = &entry["Service"];
            let id = format!("{}/{}", service["Service"], service["ID"]);
            if first_time_unreadable(&id, &service["Port"]) {
                tracing::warn!("skipping the catalog entry {id}: {error}");
            }
            None
        }
    }
}
// ANCHOR_END: readable_entry

/// True the first time an instance with this port is seen unreadable: a watch sees the same
/// bad entry in every answer, and one log line says it all. Bounded: a catalog full of
/// them forgets and logs again.
fn first_time_unreadable(id: &str, port: &serde_json::Value) -> bool {
    static SEEN: std::sync::Mutex<Option<std::collections::HashSet<String>>> =
        std::sync::Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let seen = seen.get_or_insert_with(Default::default);
    if seen.len() >= 1024 {
        seen.clear();
    }
    seen.insert(format!("{id}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_parse_as_consul_sends_them() {
        let json = r#"[{
            "Node": {"ID": "0b5c", "Node": "n1", "Address": "10.0.0.1", "Datacenter": "dc1",
                     "TaggedAddresses": {"lan": "10.0.0.1"}, "Meta": null,
                     "CreateIndex": 5, "ModifyIndex": 6},
            "Service": {"ID": "web-1", "Service": "web", "Tags": null, "Address": "",
                        "Meta": null, "Port": 8080,
                        "TaggedAddresses": {"lan_ipv4": {"Address": "10.0.0.2", "Port": 8080}},
                        "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false,
                        "Proxy": {"Mode": "", "MeshGateway": {}, "Expose": {}}, "Connect": {}},
            "Checks": [{"Node": "n1", "CheckID": "serfHealth", "Name": "Serf Health Status",
                        "Status": "passing", "Notes": "", "Output": "Agent alive and reachable",
                        "ServiceID": "", "ServiceName": "", "ServiceTags": [], "Type": "",
                        "Definition": {}, "CreateIndex": 5, "ModifyIndex": 5}]
        }]"#;
        let entries: Vec<ServiceEntry> = serde_json::from_str(json).unwrap();
        let entry = &entries[0];
        assert_eq!(
            entry.address(),
            "10.0.0.1:8080",
            "no service address: the node's"
        );
        assert_eq!(
            entry.service.tagged_addresses["lan_ipv4"],
            ServiceAddress {
                address: "10.0.0.2".into(),
                port: 8080
            }
        );
        assert!(entry.service.tags.is_empty() && entry.node.meta.is_empty());
        assert_eq!(entry.checks[0].status, CheckStatus::Passing);
    }

    #[test]
    fn an_entry_with_a_port_out_of_range_is_skipped_not_fatal() {
        let entry = |id: &str, port: i64| {
            serde_json::json!({"Node": {}, "Service": {"ID": id, "Service": "web",
                                "Address": "localhost", "Port": port}})
        };
        let answer = vec![
            entry("good-1", 80),
            entry("big", 70000),
            entry("negative", -1),
        ];
        let read: Vec<ServiceEntry> = answer.into_iter().filter_map(readable_entry).collect();
        let ids: Vec<&str> = read.iter().map(|entry| entry.service.id.as_str()).collect();
        assert_eq!(ids, ["good-1"]);
    }

    #[test]
    fn an_ipv6_address_gets_brackets() {
        let mut entry: ServiceEntry =
            serde_json::from_str(r#"{"Node": {}, "Service": {"Address": "::1", "Port": 80}}"#)
                .unwrap();
        assert_eq!(entry.address(), "[::1]:80");
        entry.service.address = "localhost".into();
        assert_eq!(entry.address(), "localhost:80");
    }
}
