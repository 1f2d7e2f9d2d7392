//! `/v1/agent/checks`, `/v1/agent/check/…`: the checks this agent runs, and the updates a TTL
//! check lives on (`pass`, `warn`, `fail`, `update`).

use super::*;

pub fn checks(call: &Call) -> Answer {
    let filter = parse_filter(call, CHECK_SELECTORS, StatusCode::INTERNAL_SERVER_ERROR)?;
    let store = call.shared.store();
    let checks: Map<String, Value> = store
        .agent_checks()
        .map(|check| {
            (
                check.id.clone(),
                views::health_check(&call.shared.config.node_name, &store.services, check),
            )
        })
        .filter(|(_, view)| keep(&filter, view))
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
