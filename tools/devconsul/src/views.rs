//! The JSON shapes Consul answers with (`CONTRACT.md` §2 Response object shapes), built from the store's rows.
//!
//! Keys are PascalCase exactly as Consul's Go structs print them, and every list or map a
//! client may iterate is `[]` or `{}` rather than `null`.

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use serde_json::{Map, Value, json};

use crate::shared::Shared;
use crate::state::{Check, KvEntry, Service, Store};

/// The node's address: the agent is always on loopback.
pub const NODE_ADDRESS: &str = "127.0.0.1";

/// The one node (`Node` in health entries, `/v1/catalog/nodes`).
pub fn node(shared: &Shared, store: &Store) -> Value {
    json!({
        "ID": shared.node_id,
        "Node": shared.config.node_name,
        "Address": NODE_ADDRESS,
        "Datacenter": shared.config.datacenter,
        "TaggedAddresses": {
            "lan": NODE_ADDRESS, "lan_ipv4": NODE_ADDRESS,
            "wan": NODE_ADDRESS, "wan_ipv4": NODE_ADDRESS,
        },
        "Meta": {"consul-network-segment": ""},
        "CreateIndex": store.node_index,
        "ModifyIndex": store.node_index,
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
pub fn catalog_service(shared: &Shared, store: &Store, service: &Service) -> Value {
    let mut fields = Map::new();
    let node = node(shared, store);
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

/// `HealthCheck` (§2.2).
pub fn health_check(shared: &Shared, store: &Store, check: &Check) -> Value {
    let service = store.services.get(&check.service_id);
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
        "Node": shared.config.node_name,
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
