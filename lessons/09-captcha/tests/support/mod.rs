//! What this lesson's tests share: unique names and keys, a Redis that can be stopped and
//! started again on the same port, health served on a free port, the lesson's server as a
//! process, and blocking queries on the agent's catalog and health endpoints.
#![allow(dead_code)] // each test file uses only some of these

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use consul_ext::ServiceEntry;
use redis::aio::ConnectionManager;
use testkit::{ConsulAgent, PATIENCE, ServerProcess};
use tokio_stream::StreamExt as _;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};
use tonic_health::server::HealthReporter;

pub const SERVER: &str = env!("CARGO_BIN_EXE_l09-captcha");

/// How long one blocking query may wait for a change before it is asked again.
const WAIT: Duration = Duration::from_secs(2);

/// A name no other test uses, even on an agent or a Redis shared through the environment.
pub fn unique_name(what: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "l09-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A connection manager for the Redis at `url` that fails fast when Redis is down.
pub fn redis_connection(url: &str) -> ConnectionManager {
    l09_captcha::store::connect(url).expect("a Redis URL")
}

/// A `redis-server` of this test's own, on a port that stays the same across a stop and a
/// start again: what a test of "Redis went away and came back" needs.
pub struct OwnRedis {
    port: u16,
    child: Option<Child>,
}

impl OwnRedis {
    /// Starts a Redis on a free loopback port.
    pub async fn start() -> OwnRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let mut redis = OwnRedis { port, child: None };
        redis.start_again().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server (SIGKILL: no goodbye to its clients) and waits until it is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, and waits until it answers PING.
    pub async fn start_again(&mut self) {
        assert!(self.child.is_none(), "Redis is already running");
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server on PATH (sudo apt-get install redis-server)");
        self.child = Some(child);
        let url = self.url();
        testkit::within("a restarted redis-server to answer PING", async {
            loop {
                let answered = async {
                    let client = redis::Client::open(url.as_str())?;
                    let mut connection = client.get_multiplexed_async_connection().await?;
                    redis::cmd("PING")
                        .query_async::<String>(&mut connection)
                        .await
                };
                if answered.await.is_ok() {
                    return;
                }
                // Polling a process that is starting up: nothing can tell us it is ready.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Serves the health service of `reporter`'s pair on a free port; a client for it.
pub async fn serve_health(
    service: tonic_health::pb::health_server::HealthServer<
        impl tonic_health::pb::health_server::Health,
    >,
) -> HealthClient<tonic::transport::Channel> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(service)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    let channel = l09_captcha::client::connect(&addr.to_string())
        .await
        .expect("the health server");
    HealthClient::new(channel)
}

/// A health reporter and a client of the health service it feeds.
pub async fn health_pair() -> (HealthReporter, HealthClient<tonic::transport::Channel>) {
    let (reporter, service) = tonic_health::server::health_reporter();
    (reporter, serve_health(service).await)
}

/// The status of `service` now (`SERVICE_UNKNOWN` when none was ever set).
pub async fn status_of(
    health: &mut HealthClient<tonic::transport::Channel>,
    service: &str,
) -> ServingStatus {
    let request = HealthCheckRequest {
        service: service.into(),
    };
    match health.check(request).await {
        Ok(reply) => reply.into_inner().status(),
        Err(status) if status.code() == tonic::Code::NotFound => ServingStatus::ServiceUnknown,
        Err(status) => panic!("health check of {service:?}: {status}"),
    }
}

/// Watches `service`'s health until it is `wanted`; panics after [`PATIENCE`].
pub async fn until_status(
    health: &mut HealthClient<tonic::transport::Channel>,
    service: &str,
    wanted: ServingStatus,
) {
    let request = HealthCheckRequest {
        service: service.into(),
    };
    let what = format!("the health of {service:?} to be {}", wanted.as_str_name());
    testkit::within(&what, async {
        let mut statuses = health
            .watch(request)
            .await
            .expect("a health watch")
            .into_inner();
        while let Some(answer) = statuses.next().await {
            let answer: HealthCheckResponse = answer.expect("a health status");
            if answer.status() == wanted {
                return;
            }
        }
        panic!("the health watch of {service:?} ended before it was {wanted:?}");
    })
    .await
}

/// Starts the lesson's binary as `server --addr 127.0.0.1:0 --name NAME` against `agent`
/// and the Redis at `redis_url`, with short check, reap and PING times.
pub async fn start_server(agent: &ConsulAgent, redis_url: &str, name: &str) -> ServerProcess {
    let args = [
        "server",
        "--addr",
        "127.0.0.1:0",
        "--name",
        name,
        "--check-interval",
        "1s",
        "--reap-after",
        "1s",
        "--ping-every",
        "100ms",
    ];
    let env = [("CONSUL_HTTP_ADDR", agent.url()), ("REDIS_URL", redis_url)];
    ServerProcess::start_with_env(SERVER, &args, &env, 1).await
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
    (response.json().await.expect("a JSON answer"), next)
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

/// Waits until an instance of `name` passes all its checks, and returns it.
pub async fn until_passing(url: &str, name: &str) -> ServiceEntry {
    let what = format!("an instance of {name} to pass its checks");
    let path = format!("health/service/{name}?passing");
    watch_until(url, &path, PATIENCE, &what, |answer| {
        let entries: Vec<ServiceEntry> = serde_json::from_value(answer.clone()).ok()?;
        entries.into_iter().next()
    })
    .await
}

/// Waits until the service check of `name`'s instance is critical; returns its output.
pub async fn until_critical(url: &str, name: &str) -> String {
    let what = format!("the check of {name} to turn critical");
    let path = format!("health/service/{name}");
    watch_until(url, &path, PATIENCE, &what, |answer| {
        let entries: Vec<ServiceEntry> = serde_json::from_value(answer.clone()).ok()?;
        entries
            .iter()
            .flat_map(|entry| &entry.checks)
            .find_map(|check| {
                (!check.service_id.is_empty() && check.status == consul_ext::CheckStatus::Critical)
                    .then(|| check.output.clone())
            })
    })
    .await
}

/// Waits up to `limit` until the catalog lists no instance of `name`.
pub async fn until_gone(url: &str, name: &str, limit: Duration) {
    let what = format!("every instance of {name} to leave the catalog");
    let path = format!("catalog/service/{name}");
    watch_until(url, &path, limit, &what, |answer| {
        answer.as_array().is_some_and(Vec::is_empty).then_some(())
    })
    .await
}

/// The address a catalog entry points at, as `HOST:PORT`.
pub fn entry_addr(entry: &ServiceEntry) -> String {
    format!("{}:{}", entry.service.address, entry.service.port)
}

/// Where the server process listens.
pub fn server_addr(server: &ServerProcess) -> SocketAddr {
    server.addr()
}
