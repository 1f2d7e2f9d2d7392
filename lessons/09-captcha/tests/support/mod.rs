//! What this lesson's tests share: unique names and keys, a Redis that can be stopped and
//! started again on the same port, health served on a free port, and blocking queries on
//! the agent's catalog and health endpoints. The lesson's server as a process is in
//! `program/`: a test that does not run it is checked without waiting for its build.
#![allow(dead_code)] // each test file uses only some of these

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use consul_ext::ServiceEntry;
use redis::aio::ConnectionManager;
use testkit::{PATIENCE, ServerProcess, catalog};
use tokio_stream::StreamExt as _;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};
use tonic_health::server::HealthReporter;

/// A name no other test uses, even on an agent or a Redis shared through the environment.
pub fn unique_name(what: &str) -> String {
    catalog::unique_name("l09", what)
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

/// Waits until an instance of `name` passes all its checks, and returns it.
pub async fn until_passing(url: &str, name: &str) -> ServiceEntry {
    let entry = catalog::until_passing(url, name, PATIENCE).await;
    serde_json::from_value(entry).expect("a health entry")
}

/// Waits until the service check of `name`'s instance is critical; returns its output.
pub async fn until_critical(url: &str, name: &str) -> String {
    catalog::until_critical(url, name, PATIENCE).await
}

/// Waits up to `limit` until the catalog lists no instance of `name`.
pub async fn until_gone(url: &str, name: &str, limit: Duration) {
    catalog::until_gone(url, name, limit).await
}

/// The address a catalog entry points at, as `HOST:PORT`.
pub fn entry_addr(entry: &ServiceEntry) -> String {
    format!("{}:{}", entry.service.address, entry.service.port)
}

/// Where the server process listens.
pub fn server_addr(server: &ServerProcess) -> SocketAddr {
    server.addr()
}
