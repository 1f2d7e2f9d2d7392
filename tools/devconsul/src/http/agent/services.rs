//! `/v1/agent/services`, `/v1/agent/service/…`: the services this agent registered, one by
//! one (with the content hash that blocking reads of one service wait on), and their
//! registration, deregistration and maintenance.

use super::*;
use crate::shared::{FNV_OFFSET_BASIS, fnv1a};

pub fn services(call: &Call) -> Answer {
    let filter = parse_filter(call, SERVICE_SELECTORS, StatusCode::INTERNAL_SERVER_ERROR)?;
    let store = call.shared.store();
    let services: Map<String, Value> = store
        .agent_services()
        .map(|service| {
            (
                service.id.clone(),
                views::agent_service(&call.shared, service),
            )
        })
        .filter(|(_, view)| keep(&filter, view))
        .collect();
    Ok(json(call, StatusCode::OK, &Value::Object(services)))
}

/// `AgentService` with its `ContentHash`, or `None` for an unknown ID.
fn hashed_service(call: &Call, store: &Store, id: &str) -> Option<(String, Value)> {
    let service = store.services.get(id).filter(|s| !s.builtin)?;
    let mut view = views::agent_service(&call.shared, service);
    let hash = fnv1a(FNV_OFFSET_BASIS, view.to_string().as_bytes());
    let hash = format!("{hash:016x}");
    view["ContentHash"] = json!(hash);
    Some((hash, view))
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

/// Refuses checks that run commands, as a default Consul agent does.
pub(super) fn refuse_scripts(checks: &[CheckType]) -> Result<(), HttpError> {
    if checks.iter().any(CheckType::runs_commands) {
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
