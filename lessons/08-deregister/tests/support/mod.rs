//! What this lesson's tests share: unique service names and blocking queries on the agent's
//! catalog and health endpoints. The lesson's server as a process is in `program/`: a test
//! that does not run it is checked without waiting for its build.
#![allow(dead_code)] // each test file uses only some of these

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use consul_ext::ServiceEntry;
use l08_deregister::registered::Registration;
use shared::consul::Instance;
use testkit::{PATIENCE, catalog};

/// A service name no other test uses, even on an agent shared through CONSUL_HTTP_ADDR.
pub fn unique_name(what: &str) -> String {
    catalog::unique_name("l08", what)
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

/// Waits until the catalog lists an instance `id` of `name`.
pub async fn until_listed(url: &str, name: &str, id: &str) {
    catalog::until_listed(url, name, id, PATIENCE).await
}

/// Waits up to `limit` until the catalog lists no instance of `name`.
pub async fn until_gone(url: &str, name: &str, limit: Duration) {
    catalog::until_gone(url, name, limit).await
}

/// Whether the catalog lists no instance of `name` now (no waiting).
pub async fn is_gone(url: &str, name: &str) -> bool {
    catalog::is_gone(url, name).await
}

/// Waits until an instance of `name` passes all its checks, and returns it.
pub async fn until_passing(url: &str, name: &str) -> ServiceEntry {
    let entry = catalog::until_passing(url, name, PATIENCE).await;
    serde_json::from_value(entry).expect("a health entry")
}

/// Waits until the service check of `name`'s instance is critical, and returns its output.
pub async fn until_critical(url: &str, name: &str) -> String {
    catalog::until_critical(url, name, PATIENCE).await
}

/// Waits for `wait` while the learner's `task` runs beside it. A task that ends first fails
/// the test at once with its own panic (a `todo!()` stub's message) or with "returned
/// before stop", rather than after the wait's whole patience.
pub async fn while_running<T, U>(
    task: &mut tokio::task::JoinHandle<T>,
    wait: impl Future<Output = U>,
) -> U {
    tokio::select! {
        waited = wait => waited,
        ended = task => match ended {
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            _ => panic!("the task returned before it was told to stop"),
        },
    }
}

/// Runs `step` for at most `limit`, or panics naming `what`.
pub async fn within_for<T>(limit: Duration, what: &str, step: impl Future<Output = T>) -> T {
    match tokio::time::timeout(limit, step).await {
        Ok(value) => value,
        Err(_) => panic!("gave up after {limit:?} waiting for {what}"),
    }
}
