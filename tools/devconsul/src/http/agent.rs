//! `/v1/agent/*`: what this agent registers and runs — services, checks, TTL updates,
//! maintenance — and the agent's own description.

use std::hash::Hasher;

use axum::http::StatusCode;
use axum::http::header::{ACCEPT, HeaderValue};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::query::parse_bool;
use super::{Answer, Call, HttpError, empty, json};
use crate::decode::{KeyStyle, parse_body};
use crate::definition::{CheckType, CheckUpdate, ServiceDefinition, is_status};
use crate::filter::Filter;
use crate::state::{NODE_MAINTENANCE_ID, SERVICE_MAINTENANCE_PREFIX, Store, TtlError, worst};
use crate::views;

const SERVICE_SELECTORS: &[&str] = &[
    "ID",
    "Service",
    "Tags",
    "Address",
    "Port",
    "Meta",
    "Kind",
    "EnableTagOverride",
    "Weights",
    "TaggedAddresses",
    "SocketPath",
    "Datacenter",
];

pub const CHECK_SELECTORS: &[&str] = &[
    "Node",
    "CheckID",
    "Name",
    "Status",
    "Notes",
    "Output",
    "ServiceID",
    "ServiceName",
    "ServiceTags",
    "Type",
    "Interval",
    "Timeout",
    "ExposedPort",
    "Definition",
    "CreateIndex",
    "ModifyIndex",
];

/// Parses `?filter=` for an agent endpoint (Consul answers 500 for a bad one here).
fn agent_filter(call: &Call, selectors: &[&str]) -> Result<Option<Filter>, HttpError> {
    match call.query.get("filter") {
        None | Some("") => Ok(None),
        Some(text) => Filter::parse(text, selectors).map(Some).map_err(|e| {
            HttpError::internal(format!(
                "Failed to create boolean expression evaluator: {e}"
            ))
        }),
    }
}

fn decode_failed(error: impl std::fmt::Display) -> HttpError {
    HttpError::bad_request(format!("Request decode failed: {error}"))
}

fn unknown_service(id: &str) -> HttpError {
    HttpError::not_found(format!(
        "Unknown service ID {id:?}. Ensure that the service ID is passed, not the service name."
    ))
}

fn unknown_check(id: &str) -> HttpError {
    HttpError::not_found(format!(
        "Unknown check ID {id:?}. Ensure that the check ID is passed, not the check name."
    ))
}

pub fn self_(call: &Call) -> Answer {
    let shared = &call.shared;
    let config = &shared.config;
    let store = shared.store();
    let timings = config.timings;
    let services = store.agent_services().count();
    let checks: Vec<_> = store.agent_checks().collect();
    let ttl_checks = checks.iter().filter(|c| c.ttl().is_some()).count();
    let body = json!({
        "Config": {
            "Datacenter": config.datacenter,
            "PrimaryDatacenter": config.datacenter,
            "NodeName": config.node_name,
            "NodeID": shared.node_id,
            "Server": true,
            "Revision": "workbook",
            "Version": crate::VERSION,
            "BuildDate": "2024-01-01T00:00:00Z",
        },
        "DebugConfig": {
            "CheckDeregisterIntervalMin": crate::duration::format(timings.dcsa_minimum),
            "CheckReapInterval": crate::duration::format(timings.reap_interval),
            "CheckMinInterval": crate::duration::format(timings.min_check_interval),
            "Datacenter": config.datacenter,
            "NodeName": config.node_name,
            "NodeID": shared.node_id,
            "DevMode": true,
            "ServerMode": true,
            "ClientAddrs": [shared.http_addr.ip().to_string()],
            "HTTPPort": shared.http_addr.port(),
            "UIConfig": {"Enabled": config.ui},
            "ConfigDir": config.config_dir.as_ref().map(|d| d.display().to_string()),
        },
        "Coord": null,
        "Member": member(call),
        "Meta": {},
        "Stats": {
            "agent": {
                "check_monitors": (checks.len() - ttl_checks).to_string(),
                "check_ttls": ttl_checks.to_string(),
                "checks": checks.len().to_string(),
                "services": services.to_string(),
            },
            "build": {"prerelease": "workbook-dev", "revision": "workbook", "version": "1.17.0"},
            "consul": {
                "bootstrap": "true",
                "known_datacenters": "1",
                "leader": "true",
                "leader_addr": super::leader(),
                "server": "true",
            },
            "raft": {"last_log_index": store.index().to_string(), "state": "Leader"},
            "runtime": {"arch": std::env::consts::ARCH, "os": std::env::consts::OS},
        },
        "xDS": null,
    });
    Ok(json(call, StatusCode::OK, &body))
}

/// This node as Serf would list it.
fn member(call: &Call) -> Value {
    let config = &call.shared.config;
    json!({
        "Name": config.node_name,
        "Addr": views::NODE_ADDRESS,
        "Port": 8301,
        "Tags": {
            "build": "1.17.0:workbook",
            "dc": config.datacenter,
            "id": call.shared.node_id,
            "port": "8300",
            "role": "consul",
            "bootstrap": "1",
            "segment": "",
            "vsn": "2",
        },
        "Status": 1,
        "ProtocolMin": 1,
        "ProtocolMax": 5,
        "ProtocolCur": 2,
        "DelegateMin": 2,
        "DelegateMax": 5,
        "DelegateCur": 4,
    })
}

pub fn members(call: &Call) -> Answer {
    Ok(json(call, StatusCode::OK, &json!([member(call)])))
}

pub fn reload(call: &Call) -> Answer {
    crate::shared::reload(&call.shared)
        .map_err(|e| HttpError::internal(format!("Failed to reload configs: {e:#}")))?;
    tracing::info!(target: "agent", "Reloaded configuration");
    Ok(empty())
}

pub fn leave(call: &Call) -> Answer {
    tracing::info!(target: "agent", "Graceful leave requested");
    call.shared.stop();
    Ok(empty())
}

pub fn services(call: &Call) -> Answer {
    let filter = agent_filter(call, SERVICE_SELECTORS)?;
    let store = call.shared.store();
    let services: Map<String, Value> = store
        .agent_services()
        .map(|service| {
            (
                service.id.clone(),
                views::agent_service(&call.shared, service),
            )
        })
        .filter(|(_, view)| filter.as_ref().is_none_or(|f| f.matches(view)))
        .collect();
    Ok(json(call, StatusCode::OK, &Value::Object(services)))
}

/// `AgentService` with its `ContentHash`, or `None` for an unknown ID.
fn hashed_service(call: &Call, store: &Store, id: &str) -> Option<(String, Value)> {
    let service = store.services.get(id).filter(|s| !s.builtin)?;
    let mut view = views::agent_service(&call.shared, service);
    let mut hasher = Fnv64::default();
    hasher.write(view.to_string().as_bytes());
    let hash = format!("{:016x}", hasher.finish());
    view["ContentHash"] = json!(hash);
    Some((hash, view))
}

/// FNV-1a: a stable hash, so a `ContentHash` means the same thing across restarts.
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// `GET /v1/agent/service/:id`, with hash-based blocking (`?hash=&wait=`).
pub async fn service(call: &Call, id: &str) -> Answer {
    let wanted = call.query.get("hash").unwrap_or("").to_string();
    let (_, wait) = call.query.blocking()?;
    let mut changes = call.shared.subscribe();
    let deadline = tokio::time::Instant::now() + wait;
    let stopping = call.shared.stopping();
    tokio::pin!(stopping);
    loop {
        changes.borrow_and_update();
        let found = hashed_service(call, &call.shared.store(), id);
        let Some((hash, view)) = found else {
            return Err(HttpError::not_found(format!("unknown service ID: {id}")));
        };
        if wanted.is_empty() || hash != wanted || tokio::time::Instant::now() >= deadline {
            let mut response = json(call, StatusCode::OK, &view);
            let value = HeaderValue::from_str(&hash).expect("hex is a valid header value");
            response.headers_mut().insert("X-Consul-ContentHash", value);
            return Ok(response);
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { return Err(HttpError::internal("agent stopping")) },
            _ = tokio::time::sleep_until(deadline) => {}
            // Stopping: the next round answers at once.
            _ = &mut stopping => return Err(HttpError::internal("agent stopping")),
        }
    }
}

pub fn register_service(call: &Call) -> Answer {
    let value = parse_body(&call.body).map_err(decode_failed)?;
    let definition = ServiceDefinition::from_json(&value, KeyStyle::Api).map_err(decode_failed)?;
    definition.validate().map_err(HttpError::bad_request)?;
    refuse_scripts(&definition.checks)?;
    let replace = matches!(call.query.get("replace-existing-checks"), Some("" | "true"));
    let id = call
        .shared
        .write(|store| store.register_service(&definition, replace));
    tracing::info!(target: "agent", service = %id, "Synced service");
    Ok(empty())
}

/// Script and Docker checks run commands; a default Consul agent refuses them too.
fn refuse_scripts(checks: &[CheckType]) -> Result<(), HttpError> {
    if checks
        .iter()
        .any(|c| matches!(c.kind(), "script" | "docker"))
    {
        return Err(HttpError::internal(
            "Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or 'enable_local_script_checks' to true",
        ));
    }
    Ok(())
}

pub fn deregister_service(call: &Call, id: &str) -> Answer {
    call.shared
        .write(|store| store.deregister_service(id))
        .ok_or_else(|| unknown_service(id))?;
    tracing::info!(target: "agent", service = %id, "Deregistered service");
    Ok(empty())
}

/// Reads `?enable=` (required, a Go bool) and `?reason=`.
fn maintenance_args(call: &Call) -> Result<(bool, String), HttpError> {
    let enable = match call.query.get("enable") {
        None | Some("") => return Err(HttpError::bad_request("Missing value for enable")),
        Some(text) => {
            parse_bool(text).ok_or_else(|| HttpError::bad_request("Invalid value for enable"))?
        }
    };
    Ok((enable, call.query.get("reason").unwrap_or("").to_string()))
}

pub fn service_maintenance(call: &Call, id: &str) -> Answer {
    let (enable, reason) = maintenance_args(call)?;
    let known = call.shared.write(|store| {
        let known = store.agent_services().any(|s| s.id == id);
        if known {
            store.set_maintenance(Some(id), enable, &reason);
        }
        known
    });
    if !known {
        return Err(unknown_service(id));
    }
    let state = if enable { "enabled" } else { "disabled" };
    tracing::info!(target: "agent", service = %id, "Service maintenance mode {state}");
    Ok(empty())
}

pub fn node_maintenance(call: &Call) -> Answer {
    let (enable, reason) = maintenance_args(call)?;
    call.shared
        .write(|store| store.set_maintenance(None, enable, &reason));
    Ok(empty())
}

pub fn checks(call: &Call) -> Answer {
    let filter = agent_filter(call, CHECK_SELECTORS)?;
    let store = call.shared.store();
    let checks: Map<String, Value> = store
        .agent_checks()
        .map(|check| {
            (
                check.id.clone(),
                views::health_check(&call.shared, &store, check),
            )
        })
        .filter(|(_, view)| filter.as_ref().is_none_or(|f| f.matches(view)))
        .collect();
    Ok(json(call, StatusCode::OK, &Value::Object(checks)))
}

pub fn register_check(call: &Call) -> Answer {
    let value = parse_body(&call.body).map_err(decode_failed)?;
    let mut check =
        CheckType::from_definition_json(&value, KeyStyle::Api).map_err(decode_failed)?;
    if check.name.is_empty() {
        return Err(HttpError::bad_request("Missing check name"));
    }
    if !check.status.is_empty() && !is_status(&check.status) {
        return Err(HttpError::bad_request("Bad check status"));
    }
    check
        .validate()
        .map_err(|reason| HttpError::bad_request(format!("Invalid check: {reason}")))?;
    refuse_scripts(std::slice::from_ref(&check))?;
    if check.check_id.is_empty() {
        check.check_id = check.name.clone();
    }
    call.shared
        .write(|store| store.register_check(&check))
        .map_err(HttpError::not_found)?;
    tracing::info!(target: "agent", check = %check.check_id, "Synced check");
    Ok(empty())
}

pub fn deregister_check(call: &Call, id: &str) -> Answer {
    if !call.shared.write(|store| store.deregister_check(id)) {
        return Err(unknown_check(id));
    }
    tracing::info!(target: "agent", check = %id, "Deregistered check");
    Ok(empty())
}

/// Applies a TTL update and restarts the check's clock.
fn update_ttl(call: &Call, id: &str, status: &str, output: &str) -> Answer {
    call.shared
        .write(|store| store.update_ttl(id, status, output))
        .map_err(|error| match error {
            TtlError::UnknownCheck => unknown_check(id),
            TtlError::NotTtl => {
                HttpError::internal(format!("CheckID {id:?} does not have associated TTL"))
            }
        })?;
    call.shared.kick(id);
    Ok(empty())
}

/// `PUT /v1/agent/check/pass|warn|fail/:id?note=`. Any body is ignored (consulrs sends
/// its note there).
pub fn ttl(call: &Call, id: &str, status: &str) -> Answer {
    let note = call.query.get("note").unwrap_or("").to_string();
    update_ttl(call, id, status, &note)
}

pub fn update(call: &Call, id: &str) -> Answer {
    let value = parse_body(&call.body).map_err(decode_failed)?;
    let update = CheckUpdate::from_json(&value).map_err(decode_failed)?;
    if !is_status(&update.status) {
        return Err(HttpError::bad_request(format!(
            "Invalid check status: '{}'",
            update.status
        )));
    }
    update_ttl(call, id, &update.status, &update.output)
}

/// `AgentServiceChecksInfo` for one service: its status and the entry.
fn service_health(call: &Call, store: &Store, id: &str) -> Option<(&'static str, Value)> {
    let service = store.services.get(id).filter(|s| !s.builtin)?;
    let checks: Vec<_> = store
        .checks_of(id)
        .chain(store.checks_of("").filter(|c| !c.builtin))
        .collect();
    let in_maintenance = checks
        .iter()
        .any(|c| c.id == NODE_MAINTENANCE_ID || c.id.starts_with(SERVICE_MAINTENANCE_PREFIX));
    let status = if in_maintenance {
        "maintenance"
    } else {
        worst(checks.iter().map(|c| c.status.as_str()))
    };
    let views: Vec<Value> = checks
        .iter()
        .map(|c| views::health_check(&call.shared, store, c))
        .collect();
    let entry = json!({
        "AggregatedStatus": status,
        "Service": views::agent_service(&call.shared, service),
        "Checks": views,
    });
    Some((status, entry))
}

/// The status code that carries an aggregated status.
fn health_code(status: &str) -> StatusCode {
    match status {
        "passing" => StatusCode::OK,
        "warning" => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn wants_text(call: &Call) -> bool {
    call.query.get("format") == Some("text")
        || call
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
}

fn health_answer(call: &Call, code: StatusCode, status: &str, body: &Value) -> Response {
    let mut response = if wants_text(call) {
        super::text(code, status)
    } else {
        json(call, code, body)
    };
    if let Ok(reason) = HeaderValue::from_str(status) {
        response.headers_mut().insert("X-Consul-Reason", reason);
    }
    response
}

pub fn health_by_id(call: &Call, id: &str) -> Answer {
    let store = call.shared.store();
    match service_health(call, &store, id) {
        Some((status, entry)) => Ok(health_answer(call, health_code(status), status, &entry)),
        None => {
            let body = json!({"AggregatedStatus": "critical", "Service": null, "Checks": null});
            let message = format!("ServiceId {id} not found");
            if wants_text(call) {
                return Ok(super::text(StatusCode::NOT_FOUND, &message));
            }
            Ok(json(call, StatusCode::NOT_FOUND, &body))
        }
    }
}

pub fn health_by_name(call: &Call, name: &str) -> Answer {
    let store = call.shared.store();
    let entries: Vec<(&'static str, Value)> = store
        .agent_services()
        .filter(|s| s.name == name)
        .filter_map(|s| service_health(call, &store, &s.id))
        .collect();
    if entries.is_empty() {
        if wants_text(call) {
            return Ok(super::text(
                StatusCode::NOT_FOUND,
                &format!("ServiceName {name} Not Found"),
            ));
        }
        return Ok(json(call, StatusCode::NOT_FOUND, &json!([])));
    }
    let rank = |status: &str| match status {
        "passing" => 0,
        "warning" => 1,
        "critical" => 2,
        _ => 3,
    };
    let status = entries
        .iter()
        .map(|(s, _)| *s)
        .max_by_key(|s| rank(s))
        .unwrap_or("passing");
    let body = Value::Array(entries.into_iter().map(|(_, entry)| entry).collect());
    Ok(health_answer(call, health_code(status), status, &body))
}
