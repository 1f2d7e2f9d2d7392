//! Waiting for what an operator would see in Consul: an instance listed, passing, critical,
//! gone. Each wait is a chain of blocking queries (`?index=&wait=`), so it answers as soon
//! as the agent's view changes, with no polling, and gives up after a bound naming what it
//! waited for.

use std::time::Duration;

use serde_json::Value;

/// How long one blocking query may wait for a change before it is asked again.
const WAIT: Duration = Duration::from_secs(2);

/// A name no other test uses, even on an agent shared through `CONSUL_HTTP_ADDR`:
/// `PREFIX-WHAT-PID-N`.
pub fn unique_name(prefix: &str, what: &str) -> String {
    format!("{prefix}-{what}-{}", crate::unique_suffix())
}

/// One answer of `GET {url}/v1/{path}` as JSON with the index to block on next, blocking
/// on `index`.
pub async fn blocking_get(url: &str, path: &str, index: u64) -> (Value, u64) {
    let answer = consul_ext::watch(url, path, index, WAIT)
        .await
        .unwrap_or_else(|error| panic!("GET {url}/v1/{path}: {error}"));
    (answer.value, answer.index)
}

/// Asks `path` with blocking queries until `done` accepts the answer; panics naming `what`
/// after `limit`.
pub async fn watch_until<T>(
    url: &str,
    path: &str,
    limit: Duration,
    what: &str,
    mut done: impl FnMut(&Value) -> Option<T>,
) -> T {
    let watching = async {
        let mut index = 0;
        loop {
            let (answer, next) = blocking_get(url, path, index).await;
            if let Some(found) = done(&answer) {
                return found;
            }
            index = next;
        }
    };
    match tokio::time::timeout(limit, watching).await {
        Ok(found) => found,
        Err(_) => panic!("gave up after {limit:?} waiting for {what}"),
    }
}

/// The service IDs in a catalog answer (`/v1/catalog/service/NAME`).
fn ids(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| entry["ServiceID"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Waits up to `limit` until the catalog lists an instance `id` of `name`.
pub async fn until_listed(url: &str, name: &str, id: &str, limit: Duration) {
    let what = format!("{id} to be in the catalog");
    let path = format!("catalog/service/{name}");
    watch_until(url, &path, limit, &what, |answer| {
        ids(answer).iter().any(|listed| listed == id).then_some(())
    })
    .await
}

/// Waits up to `limit` until the catalog lists no instance of `name`.
pub async fn until_gone(url: &str, name: &str, limit: Duration) {
    let what = format!("every instance of {name} to leave the catalog");
    let path = format!("catalog/service/{name}");
    watch_until(url, &path, limit, &what, |answer| {
        ids(answer).is_empty().then_some(())
    })
    .await
}

/// Whether the catalog lists no instance of `name` right now (no waiting).
pub async fn is_gone(url: &str, name: &str) -> bool {
    let (answer, _) = blocking_get(url, &format!("catalog/service/{name}"), 0).await;
    ids(&answer).is_empty()
}

/// Waits up to `limit` until an instance of `name` passes all its checks; returns the
/// health answer's first entry (`/v1/health/service/NAME?passing`) as JSON.
pub async fn until_passing(url: &str, name: &str, limit: Duration) -> Value {
    let what = format!("an instance of {name} to pass its checks");
    let path = format!("health/service/{name}?passing");
    watch_until(url, &path, limit, &what, |answer| {
        answer.as_array()?.first().cloned()
    })
    .await
}

/// Waits up to `limit` until a service check of `name` is critical; returns its output.
pub async fn until_critical(url: &str, name: &str, limit: Duration) -> String {
    let what = format!("the check of {name} to turn critical");
    let path = format!("health/service/{name}");
    watch_until(url, &path, limit, &what, |answer| {
        answer
            .as_array()?
            .iter()
            .flat_map(|entry| entry["Checks"].as_array().into_iter().flatten())
            .find(|check| {
                check["ServiceID"].as_str().is_some_and(|id| !id.is_empty())
                    && check["Status"] == "critical"
            })
            .map(|check| check["Output"].as_str().unwrap_or_default().to_string())
    })
    .await
}

/// Registers instance `id` of `name` at `localhost:port` with a passing TTL check, through
/// the agent's HTTP API as raw JSON: the port may be any integer, as the agent (like Consul)
/// accepts, so a test can put an entry no `u16` holds (`70000`, `-1`) beside good ones.
pub async fn register_with_port(url: &str, name: &str, id: &str, port: i64) {
    let registration = serde_json::json!({
        "ID": id, "Name": name, "Address": "localhost", "Port": port,
        "Check": {"TTL": "30s", "Status": "passing"},
    });
    let registering = consul_ext::put(url, "agent/service/register", Some(&registration));
    crate::within("a raw registration", registering)
        .await
        .unwrap_or_else(|error| panic!("the agent refused {id} with port {port}: {error}"));
}
