//! What this lesson's tests share: an agent and a client, unique names, free ports, and
//! waiting for what the agent reports, with blocking queries rather than sleeps.
#![allow(dead_code)] // each test file uses only some of these

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use consul_ext::{Check, CheckStatus, ServiceEntry};
use consulrs::api::check::common::AgentServiceCheck;
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use testkit::{ConsulAgent, PATIENCE};
use tokio::net::TcpListener;

/// How long one blocking query may wait for a change before it is asked again.
const BLOCK_FOR: Duration = Duration::from_secs(2);

/// A service name no other test (nor another run on a shared agent) uses.
pub fn unique_name(what: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{what}-{}-{n}", std::process::id())
}

/// An agent for this test, and a consulrs client for it.
pub async fn consul() -> (ConsulAgent, ConsulClient) {
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).expect("a client for the agent");
    (agent, client)
}

/// A listener on a free loopback port, and its address.
pub async fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

/// Registers instance `id` of `name` at `localhost:port` with `check`.
pub async fn register(
    client: &ConsulClient,
    name: &str,
    id: &str,
    port: u16,
    check: AgentServiceCheck,
) {
    let mut registration = RegisterServiceRequest::builder();
    registration
        .id(id)
        .address("localhost")
        .port(u64::from(port))
        .check(check);
    testkit::within(
        "the agent to register the instance",
        consulrs::service::register(client, name, Some(&mut registration)),
    )
    .await
    .unwrap_or_else(|error| panic!("the agent refused to register {id}: {error}"));
}

/// Waits until exactly `count` instances of `name` pass, and returns them.
pub async fn wait_for_passing(agent: &str, name: &str, count: usize) -> Vec<ServiceEntry> {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let watch = {
        let seen = Arc::clone(&seen);
        async move {
            let mut index = 0;
            loop {
                let answer =
                    consul_ext::watch_healthy_instances(agent, name, None, index, BLOCK_FOR)
                        .await
                        .expect("the health query");
                *seen.lock().unwrap() = answer
                    .entries
                    .iter()
                    .map(|e| e.service.id.clone())
                    .collect();
                if answer.entries.len() == count {
                    return answer.entries;
                }
                index = answer.index;
            }
        }
    };
    match tokio::time::timeout(PATIENCE, watch).await {
        Ok(entries) => entries,
        Err(_) => panic!(
            "expected {count} passing instance(s) of {name} within {PATIENCE:?}, \
             the agent reports {:?}",
            seen.lock().unwrap()
        ),
    }
}

/// One blocking query: `GET /v1/health/checks/NAME?index=&wait=`, the checks of `name`'s
/// instances and the index to block on next.
pub async fn checks_of(agent: &str, name: &str, index: u64, wait: Duration) -> (Vec<Check>, u64) {
    let path = format!("health/checks/{name}");
    let answer = consul_ext::watch(agent, &path, index, wait)
        .await
        .expect("GET /v1/health/checks");
    (answer.value, answer.index)
}

/// Waits until the check of instance `service_id` (a service of `name`) has `status`, and
/// returns it.
pub async fn wait_for_check(
    agent: &str,
    name: &str,
    service_id: &str,
    status: CheckStatus,
) -> Check {
    wait_for(agent, name, service_id, &format!("{status:?}"), |check| {
        check.status == status
    })
    .await
}

/// Waits until the check of `service_id` has been probed (it has an output) and has
/// `status`. A check starts critical with no output, before its first probe.
pub async fn wait_for_probed(
    agent: &str,
    name: &str,
    service_id: &str,
    status: CheckStatus,
) -> Check {
    let what = format!("{status:?} after a probe");
    wait_for(agent, name, service_id, &what, |check| {
        check.status == status && !check.output.is_empty()
    })
    .await
}

/// Waits until a probe of `service_id`'s check has left it `status` with an output that
/// contains `text`. On a loaded machine a probe can time out before the answer it looks
/// for: that probe's verdict is not the one the test is about, and the next one is awaited.
pub async fn wait_for_probe_saying(
    agent: &str,
    name: &str,
    service_id: &str,
    status: CheckStatus,
    text: &str,
) -> Check {
    let what = format!("{status:?} with an output that says {text:?}");
    wait_for(agent, name, service_id, &what, |check| {
        check.status == status && check.output.contains(text)
    })
    .await
}

/// Waits until the check of `service_id` is `what` (as `test` says), and returns it.
async fn wait_for(
    agent: &str,
    name: &str,
    service_id: &str,
    what: &str,
    test: impl Fn(&Check) -> bool,
) -> Check {
    let last = Arc::new(Mutex::new(None::<Check>));
    let watch = {
        let last = Arc::clone(&last);
        async move {
            let mut index = 0u64;
            loop {
                let (checks, next) = checks_of(agent, name, index, BLOCK_FOR).await;
                let mine = checks
                    .into_iter()
                    .find(|check| check.service_id == service_id);
                *last.lock().unwrap() = mine.clone();
                if let Some(check) = mine.filter(&test) {
                    return check;
                }
                index = next;
            }
        }
    };
    match tokio::time::timeout(PATIENCE, watch).await {
        Ok(check) => check,
        Err(_) => panic!(
            "expected the check of {service_id} to be {what} within {PATIENCE:?}; \
             the agent reports {:?}",
            last.lock().unwrap()
        ),
    }
}

/// Removes an instance (the agent may be shared with other tests and runs).
pub async fn deregister(client: &ConsulClient, id: &str) {
    let _ = tokio::time::timeout(PATIENCE, consulrs::service::deregister(client, id, None)).await;
}
