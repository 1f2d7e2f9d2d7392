//! The JSON shapes Consul answers with (`CONTRACT.md` §2 Response object shapes), built from the store's rows.
//!
//! Keys are PascalCase exactly as Consul's Go structs print them, and every list or map a
//! client may iterate is `[]` or `{}` rather than `null`.

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::shared::Shared;
use crate::state::{Check, KvEntry, Service, Store};

/// The node's address with `-dev`: the agent is on loopback.
pub const NODE_ADDRESS: &str = "127.0.0.1";

/// One node of the catalog as the reads see it: its `Node` view and its rows.
pub struct NodeRows<'a> {
    pub name: &'a str,
    pub view: Value,
    pub services: &'a BTreeMap<String, Service>,
    pub checks: &'a BTreeMap<String, Check>,
}

impl<'a> NodeRows<'a> {
    /// The checks of one service, or with `service_id == ""` the node's checks.
    pub fn checks_of(&self, service_id: &'a str) -> impl Iterator<Item = &'a Check> + 'a {
        self.checks
            .values()
            .filter(move |c| c.service_id == service_id)
    }

    /// The instances of a service name on this node.
    pub fn instances(&self, name: &'a str) -> impl Iterator<Item = &'a Service> + 'a {
        self.services.values().filter(move |s| s.name == name)
    }

    pub fn health_check(&self, check: &Check) -> Value {
        health_check(self.name, self.services, check)
    }

    pub fn catalog_service(&self, service: &Service) -> Value {
        catalog_service(&self.view, service)
    }
}

/// Every node of the catalog: this agent's, then (on a cluster's server) the others'.
pub fn nodes<'a>(shared: &'a Shared, store: &'a Store) -> Vec<NodeRows<'a>> {
    let own = NodeRows {
        name: &shared.config.node_name,
        view: node_view(
            shared,
            &shared.node_id,
            &shared.config.node_name,
            &shared.node_address(),
            store.node_index,
            store.node_index,
        ),
        services: &store.services,
        checks: &store.checks,
    };
    let others = store.remote.iter().map(|(name, node)| NodeRows {
        name,
        view: node_view(
            shared,
            &node.id,
            name,
            &node.address,
            node.create_index,
            node.modify_index,
        ),
        services: &node.services,
        checks: &node.checks,
    });
    std::iter::once(own).chain(others).collect()
}

/// `Node` in health entries and `/v1/catalog/nodes`.
fn node_view(
    shared: &Shared,
    id: &str,
    name: &str,
    address: &str,
    create_index: u64,
    modify_index: u64,
) -> Value {
    json!({
        "ID": id,
        "Node": name,
        "Address": address,
        "Datacenter": shared.config.datacenter,
        "TaggedAddresses": {
            "lan": address, "lan_ipv4": address,
            "wan": address, "wan_ipv4": address,
        },
        "Meta": {"consul-network-segment": ""},
        "CreateIndex": create_index,
        "ModifyIndex": modify_index,
    })
}

fn tagged_addresses(service: &Service) -> Value {
    let map: Map<String, Value> = service
        .tagged_addresses
        .iter()
        .map(|(key, a)| (key.clone(), json!({"Address": a.address, "Port": a.port})))
        .collect();
    Value::Object(map)
}

/// Fields shared by the agent's and the catalog's view of a service.
fn service_fields(service: &Service) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("ID".into(), json!(service.id));
    fields.insert("Service".into(), json!(service.name));
    fields.insert("Tags".into(), json!(service.tags));
    fields.insert("Meta".into(), json!(service.meta));
    fields.insert("Port".into(), json!(service.port));
    fields.insert("Address".into(), json!(service.address));
    if !service.tagged_addresses.is_empty() {
        fields.insert("TaggedAddresses".into(), tagged_addresses(service));
    }
    fields.insert(
        "Weights".into(),
        json!({"Passing": service.weights.passing, "Warning": service.weights.warning}),
    );
    fields.insert(
        "EnableTagOverride".into(),
        json!(service.enable_tag_override),
    );
    if !service.kind.is_empty() {
        fields.insert("Kind".into(), json!(service.kind));
    }
    if !service.socket_path.is_empty() {
        fields.insert("SocketPath".into(), json!(service.socket_path));
    }
    fields
}

/// `AgentService` (§2.1): `/v1/agent/services` values, `/v1/agent/service/:id`.
pub fn agent_service(shared: &Shared, service: &Service) -> Value {
    let mut fields = service_fields(service);
    fields.insert("Datacenter".into(), json!(shared.config.datacenter));
    Value::Object(fields)
}

/// `NodeService` (§2.5): the `Service` of a health entry.
pub fn node_service(service: &Service) -> Value {
    let mut fields = service_fields(service);
    fields.insert(
        "Proxy".into(),
        json!({"Mode": "", "MeshGateway": {}, "Expose": {}}),
    );
    fields.insert("Connect".into(), json!({}));
    fields.insert("PeerName".into(), json!(""));
    fields.insert("CreateIndex".into(), json!(service.create_index));
    fields.insert("ModifyIndex".into(), json!(service.modify_index));
    Value::Object(fields)
}

/// `CatalogService` (§2.3): `/v1/catalog/service/:name` entries.
fn catalog_service(node: &Value, service: &Service) -> Value {
    let mut fields = Map::new();
    for key in ["ID", "Node", "Address", "Datacenter", "TaggedAddresses"] {
        fields.insert(key.into(), node[key].clone());
    }
    fields.insert("NodeMeta".into(), node["Meta"].clone());
    fields.insert("ServiceKind".into(), json!(service.kind));
    fields.insert("ServiceID".into(), json!(service.id));
    fields.insert("ServiceName".into(), json!(service.name));
    fields.insert("ServiceTags".into(), json!(service.tags));
    fields.insert("ServiceAddress".into(), json!(service.address));
    if !service.tagged_addresses.is_empty() {
        fields.insert("ServiceTaggedAddresses".into(), tagged_addresses(service));
    }
    fields.insert(
        "ServiceWeights".into(),
        json!({"Passing": service.weights.passing, "Warning": service.weights.warning}),
    );
    fields.insert("ServiceMeta".into(), json!(service.meta));
    fields.insert("ServicePort".into(), json!(service.port));
    fields.insert("ServiceSocketPath".into(), json!(service.socket_path));
    fields.insert(
        "ServiceEnableTagOverride".into(),
        json!(service.enable_tag_override),
    );
    fields.insert(
        "ServiceProxy".into(),
        json!({"Mode": "", "MeshGateway": {}, "Expose": {}}),
    );
    fields.insert("ServiceConnect".into(), json!({}));
    fields.insert("CreateIndex".into(), json!(service.create_index));
    fields.insert("ModifyIndex".into(), json!(service.modify_index));
    Value::Object(fields)
}

/// `HealthCheck` (§2.2) of a check on node `node`, whose services are `services`.
pub fn health_check(node: &str, services: &BTreeMap<String, Service>, check: &Check) -> Value {
    let service = services.get(&check.service_id);
    let definition = &check.definition;
    let duration = |nanos: i64| {
        if nanos > 0 {
            crate::duration::format_nanos(nanos)
        } else {
            String::new()
        }
    };
    let mut shown = Map::new();
    for (key, value) in [
        ("HTTP", definition.http.clone()),
        ("Method", definition.method.clone()),
        ("TCP", definition.tcp.clone()),
        ("GRPC", definition.grpc.clone()),
        ("Interval", duration(definition.interval)),
        ("Timeout", duration(definition.timeout)),
        ("TTL", duration(definition.ttl)),
        (
            "DeregisterCriticalServiceAfter",
            duration(definition.deregister_critical_service_after),
        ),
    ] {
        if !value.is_empty() {
            shown.insert(key.into(), json!(value));
        }
    }
    json!({
        "Node": node,
        "CheckID": check.id,
        "Name": check.name,
        "Status": check.status,
        "Notes": check.notes,
        "Output": check.output,
        "ServiceID": check.service_id,
        "ServiceName": service.map_or("", |s| s.name.as_str()),
        "ServiceTags": service.map_or(&[][..], |s| &s.tags[..]),
        "Type": definition.kind(),
        "Interval": duration(definition.interval),
        "Timeout": duration(definition.timeout),
        "ExposedPort": 0,
        "Definition": shown,
        "CreateIndex": check.create_index,
        "ModifyIndex": check.modify_index,
    })
}

/// `KVPair` (§2.6).
pub fn kv_pair(key: &str, entry: &KvEntry) -> Value {
    json!({
        "Key": key,
        "Value": if entry.value.is_empty() { Value::Null } else { json!(BASE64_STANDARD.encode(&entry.value)) },
        "Flags": entry.flags,
        "CreateIndex": entry.create_index,
        "ModifyIndex": entry.modify_index,
        "LockIndex": 0,
    })
}
