//! What this lesson's tests share: unique service names, the lesson's server as a process,
//! and blocking queries on the agent's catalog and health endpoints.
#![allow(dead_code)] // each test file uses only some of these

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use consul_ext::ServiceEntry;
use l08_deregister::registered::Registration;
use shared::consul::Instance;
use testkit::{ConsulAgent, PATIENCE, ServerProcess};

pub const SERVER: &str = env!("CARGO_BIN_EXE_l08-deregister");

/// How long one blocking query may wait for a change before it is asked again.
const WAIT: Duration = Duration::from_secs(2);

/// A service name no other test uses, even on an agent shared through CONSUL_HTTP_ADDR.
pub fn unique_name(what: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "l08-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Starts the lesson's binary as `server --addr 127.0.0.1:0 --name NAME ARGS…` against
/// `agent`, with short check and reap times unless `args` say otherwise.
pub async fn start_server(agent: &ConsulAgent, name: &str, args: &[&str]) -> ServerProcess {
    let mut all = vec!["server", "--addr", "127.0.0.1:0", "--name", name];
    all.extend(["--check-interval", "1s", "--reap-after", "1s"]);
    all.extend(args);
    ServerProcess::start_with_env(SERVER, &all, &[("CONSUL_HTTP_ADDR", agent.url())], 1).await
}

/// A registration of `name` at `addr` with `check`, on the agent at `url`.
pub fn registration(
    url: &str,
    name: &str,
    addr: SocketAddr,
    check: impl FnOnce(&Instance) -> consulrs::api::check::common::AgentServiceCheck,
) -> Registration {
    let instance = Instance::new(name, addr);
    Registration {
        client: consul_ext::client_for(url).expect("a client for the agent"),
        check: check(&instance),
        instance,
    }
}

/// One answer of `GET /v1/{path}` as JSON with its `X-Consul-Index`, blocking on `index`.
async fn blocking_get(url: &str, path: &str, index: u64) -> (serde_json::Value, u64) {
    let separator = if path.contains('?') { '&' } else { '?' };
    let address = format!(
        "{url}/v1/{path}{separator}index={index}&wait={}ms",
        WAIT.as_millis()
    );
    let response = reqwest::Client::new()
        .get(&address)
        .timeout(WAIT * 2 + Duration::from_secs(5))
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {address}: {error}"));
    assert!(
        response.status().is_success(),
        "GET {address}: {}",
        response.status()
    );
    let next = response
        .headers()
        .get("X-Consul-Index")
        .and_then(|value| value.to_str().ok()?.parse().ok())
        .expect("X-Consul-Index");
    let body = response.json().await.expect("a JSON answer");
    (body, next)
}

/// Asks `path` with blocking queries until `done` accepts the answer; gives up after `limit`.
async fn watch_until<T>(
    url: &str,
    path: &str,
    limit: Duration,
    what: &str,
    mut done: impl FnMut(&serde_json::Value) -> Option<T>,
) -> T {
    let watching = async {
        let mut index = 0;
        loop {
            let (answer, next) = blocking_get(url, path, index).await;
            if let Some(found) = done(&answer) {
                return found;
            }
            index = if next < index { 0 } else { next };
        }
    };
    match tokio::time::timeout(limit, watching).await {
        Ok(found) => found,
        Err(_) => panic!("gave up after {limit:?} waiting for {what}"),
    }
}

/// The IDs of the instances of `name` in the catalog (passing or not).
fn ids(answer: &serde_json::Value) -> Vec<String> {
    answer
        .as_array()
        .expect("a list")
        .iter()
        .map(|entry| entry["ServiceID"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Waits until the catalog lists an instance `id` of `name`.
pub async fn until_listed(url: &str, name: &str, id: &str) {
    let what = format!("{id} to be in the catalog");
    watch_until(
        url,
        &format!("catalog/service/{name}"),
        PATIENCE,
        &what,
        |answer| ids(answer).iter().any(|listed| listed == id).then_some(()),
    )
    .await
}

/// Waits up to `limit` until the catalog lists no instance of `name`.
pub async fn until_gone(url: &str, name: &str, limit: Duration) {
    let what = format!("every instance of {name} to leave the catalog");
    watch_until(
        url,
        &format!("catalog/service/{name}"),
        limit,
        &what,
        |answer| ids(answer).is_empty().then_some(()),
    )
    .await
}

/// Waits until an instance of `name` passes all its checks, and returns it.
pub async fn until_passing(url: &str, name: &str) -> ServiceEntry {
    let what = format!("an instance of {name} to pass its checks");
    watch_until(
        url,
        &format!("health/service/{name}?passing"),
        PATIENCE,
        &what,
        |answer| {
            let entries: Vec<ServiceEntry> = serde_json::from_value(answer.clone()).ok()?;
            entries.into_iter().next()
        },
    )
    .await
}

/// Waits until the service check of `name`'s instance is critical, and returns its output.
pub async fn until_critical(url: &str, name: &str) -> String {
    let what = format!("the check of {name} to turn critical");
    watch_until(
        url,
        &format!("health/service/{name}"),
        PATIENCE,
        &what,
        |answer| {
            let entries: Vec<ServiceEntry> = serde_json::from_value(answer.clone()).ok()?;
            entries
                .iter()
                .flat_map(|entry| &entry.checks)
                .find_map(|check| {
                    (!check.service_id.is_empty()
                        && check.status == consul_ext::CheckStatus::Critical)
                        .then(|| check.output.clone())
                })
        },
    )
    .await
}

/// Whether the catalog lists no instance of `name` now (no waiting).
pub async fn is_gone(url: &str, name: &str) -> bool {
    let (answer, _) = blocking_get(url, &format!("catalog/service/{name}"), 0).await;
    ids(&answer).is_empty()
}

/// Runs `step` for at most `limit`, or panics naming `what`.
pub async fn within_for<T>(limit: Duration, what: &str, step: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, step).await {
        Ok(value) => value,
        Err(_) => panic!("gave up after {limit:?} waiting for {what}"),
    }
}
