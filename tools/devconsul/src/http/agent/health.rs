//! `/v1/agent/health/service/…`: one service's aggregated health, answered with the HTTP status
//! code that load balancers read (200 passing, 429 warning, 503 critical), as JSON or text.

use super::*;

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
        .map(|c| views::health_check(&call.shared.config.node_name, &store.services, c))
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
                return Ok(super::text(StatusCode::NOT_FOUND, message));
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
                format!("ServiceName {name} Not Found"),
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
