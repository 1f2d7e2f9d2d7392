//! `/v1/agent/*`: what this agent registers and runs — services, checks, TTL updates,
//! maintenance — and the agent's own description.

use super::query::parse_bool;
use super::{Answer, Call, HttpError, empty, json, keep, parse_filter, text};
use crate::decode::{KeyStyle, parse_body};
use crate::definition::{CheckType, CheckUpdate, ServiceDefinition, is_status};
use crate::state::{NODE_MAINTENANCE_ID, SERVICE_MAINTENANCE_PREFIX, Store, TtlError, worst};
use crate::views;
use axum::http::StatusCode;
use axum::http::header::{ACCEPT, HeaderValue};
use axum::response::Response;
use serde_json::{Map, Value, json};

mod checks;
mod health;
mod members;
mod services;

pub use checks::*;
pub use health::*;
pub use members::*;
pub use services::*;

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
            "Server": !shared.is_client(),
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
            "DevMode": config.cluster.is_none(),
            "ServerMode": !shared.is_client(),
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
                "leader_addr": super::leader(call),
                "server": "true",
            },
            "raft": {"last_log_index": store.index().to_string(), "state": "Leader"},
            "runtime": {"arch": std::env::consts::ARCH, "os": std::env::consts::OS},
        },
        "xDS": null,
    });
    Ok(json(call, StatusCode::OK, &body))
}

pub fn reload(call: &Call) -> Answer {
    crate::shared::reload(&call.shared)
        .map_err(|e| HttpError::internal(format!("Failed to reload configs: {e:#}")))?;
    tracing::info!(target: "agent", "Reloaded configuration");
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

pub fn node_maintenance(call: &Call) -> Answer {
    let (enable, reason) = maintenance_args(call)?;
    call.shared
        .write(|store| store.set_maintenance(None, enable, &reason));
    Ok(empty())
}
