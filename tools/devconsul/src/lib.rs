//! A Consul-compatible development agent.
//!
//! The course's lessons register services with Consul, discover them through health
//! queries and watch them with blocking queries. Where no real Consul agent is installed,
//! this crate stands in for one: it speaks the subset of Consul's HTTP API v1 that the
//! lessons use (`tools/devconsul/CONTRACT.md`), runs the health checks for real (TCP, HTTP,
//! gRPC, TTL), reaps services whose checks stay critical, keeps a KV store and serves a
//! small status page under `/ui/`.
//!
//! By default it is one process, one datacenter and one node that is its own leader:
//! exactly what `consul agent -dev` gives you, without the download. Given a
//! [`ClusterConfig`], agents on several hosts form a cluster instead, with one server that
//! holds the catalog and client agents that join it by gossip (`cluster`).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let config = devconsul::Config { http_addr: "127.0.0.1:0".parse()?, ..Default::default() };
//! let agent = devconsul::Agent::start(config).await?;
//! println!("Consul API on {}", agent.url());
//! agent.shutdown().await;
//! # Ok(()) }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod checks;
pub mod cluster;
mod config_dir;
pub mod decode;
pub mod definition;
pub mod duration;
pub mod filter;
mod http;
mod shared;
mod state;
mod views;

pub use cluster::ClusterConfig;
use shared::Shared;

/// The version this agent reports in `/v1/agent/self`: the Consul API level it follows,
/// marked so that nobody mistakes it for a real Consul.
pub const VERSION: &str = "1.17.0-workbook-dev";

/// How the agent is set up. `Config::default()` is `consul agent -dev` on `127.0.0.1:8500`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the HTTP API listens. Port 0 picks a free port (see [`Agent::http_addr`]).
    pub http_addr: SocketAddr,
    /// The node's name (Consul uses the host name).
    pub node_name: String,
    /// The one datacenter this agent knows.
    pub datacenter: String,
    /// A folder of `*.json` service definitions, loaded at start and on reload.
    pub config_dir: Option<PathBuf>,
    /// How quickly checks run and critical services are reaped.
    pub timings: Timings,
    /// Serve the status page under `/ui/`.
    pub ui: bool,
    /// Take part in a cluster; `None` is `-dev`: one node that is its own server.
    pub cluster: Option<ClusterConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8500)),
            node_name: default_node_name(),
            datacenter: "dc1".to_string(),
            config_dir: None,
            timings: Timings::default(),
            ui: true,
            cluster: None,
        }
    }
}

/// The clocks behind health checking.
///
/// Consul clamps `DeregisterCriticalServiceAfter` to at least one minute and looks for
/// critical services every 30 seconds, so a lesson that waits for reaping waits up to
/// 90 seconds. The development defaults are one second each; [`Timings::consul`] gives
/// Consul's values. Both are reported in `/v1/agent/self` under `DebugConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// The smallest `DeregisterCriticalServiceAfter` honoured (Consul: 1 minute).
    pub dcsa_minimum: Duration,
    /// How often the reaper looks for services to deregister (Consul: 30 seconds).
    pub reap_interval: Duration,
    /// Check intervals below this are raised to it (Consul: 1 second).
    pub min_check_interval: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            dcsa_minimum: Duration::from_secs(1),
            reap_interval: Duration::from_secs(1),
            min_check_interval: Duration::from_secs(1),
        }
    }
}

impl Timings {
    /// The timings of a real Consul agent.
    pub fn consul() -> Self {
        Timings {
            dcsa_minimum: Duration::from_secs(60),
            reap_interval: Duration::from_secs(30),
            min_check_interval: Duration::from_secs(1),
        }
    }
}

/// A running agent. Dropping it leaves the server running until the runtime ends; call
/// [`Agent::shutdown`] to stop it.
pub struct Agent {
    shared: Arc<Shared>,
    http_addr: SocketAddr,
    server: JoinHandle<()>,
    reaper: JoinHandle<()>,
}

impl Agent {
    /// Binds the HTTP API, loads the config folder and starts serving in background tasks
    /// on the current tokio runtime. Returns once the listener is bound.
    pub async fn start(config: Config) -> anyhow::Result<Agent> {
        let listener = TcpListener::bind(config.http_addr)
            .await
            .with_context(|| format!("cannot listen on {}", config.http_addr))?;
        let http_addr = listener.local_addr()?;
        // A server also answers the other agents on its cluster address (Consul's port 8300).
        let server_listener = match &config.cluster {
            Some(cluster) if cluster.server => {
                let addr = SocketAddr::new(cluster.bind.ip(), cluster.server_port);
                Some(TcpListener::bind(addr).await.with_context(|| {
                    format!("cannot listen for the other agents on {addr} (-server-port)")
                })?)
            }
            _ => None,
        };
        let mut config = config;
        if let (Some(cluster), Some(listener)) = (&mut config.cluster, &server_listener) {
            // Port 0 asked for a free port: the others must be told the real one.
            cluster.server_port = listener.local_addr()?.port();
        }
        let cluster_config = config.cluster.clone();
        let shared = Shared::new(config, http_addr);
        if let Some(dir) = shared.config.config_dir.clone() {
            config_dir::load(&shared, &dir).with_context(|| {
                format!("cannot load the service definitions in {}", dir.display())
            })?;
        }
        let reaper = tokio::spawn(checks::reap_forever(Arc::clone(&shared)));
        let server = tokio::spawn(http::serve(listener, Arc::clone(&shared)));
        tracing::info!(target: "agent", address = %http_addr, "Started HTTP server");
        let agent = Agent {
            shared,
            http_addr,
            server,
            reaper,
        };
        if let Some(config) = cluster_config {
            let shared = &agent.shared;
            let cluster = cluster::Cluster::start(
                config,
                &shared.config.node_name,
                &shared.config.datacenter,
                Arc::downgrade(shared),
            )
            .await?;
            shared.set_cluster(Arc::clone(&cluster));
            if let Some(listener) = server_listener {
                tracing::info!(target: "agent", address = %listener.local_addr()?, "Started server API for the other agents");
                tokio::spawn(http::serve(listener, Arc::clone(shared)));
            } else {
                tokio::spawn(cluster::sync::sync_forever(
                    Arc::clone(shared),
                    Arc::clone(&cluster),
                ));
            }
            tracing::info!(target: "agent", address = %cluster.gossip_addr(), server = cluster.me.server, "Started gossip (Serf LAN)");
            if let Err(error) = cluster.join_at_start().await {
                agent.shutdown().await;
                return Err(error);
            }
        }
        Ok(agent)
    }

    /// This agent's part in a cluster, when it has one.
    pub fn cluster(&self) -> Option<Arc<cluster::Cluster>> {
        self.shared.cluster()
    }

    /// The address the HTTP API listens on (with the real port when 0 was asked for).
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// The base URL clients are given, e.g. `http://127.0.0.1:8500`.
    pub fn url(&self) -> String {
        format!("http://{}", self.http_addr)
    }

    /// Re-reads the config folder: definitions from files replace their previous
    /// versions, and services whose file is gone are deregistered.
    pub async fn reload(&self) -> anyhow::Result<()> {
        shared::reload(&self.shared)
    }

    /// Resolves once the agent has been asked to stop (by `PUT /v1/agent/leave`).
    pub async fn stopped(&self) {
        self.shared.stopping().await
    }

    /// Stops accepting requests, answers the blocked ones, stops every check runner and
    /// returns.
    pub async fn shutdown(self) {
        self.shared.stop();
        self.reaper.abort();
        let mut server = self.server;
        if tokio::time::timeout(Duration::from_secs(5), &mut server)
            .await
            .is_err()
        {
            server.abort();
        }
        self.shared.stop_checks();
        if let Some(cluster) = self.shared.cluster() {
            cluster.stopped().await;
        }
        tracing::info!(target: "agent", "shutdown complete");
    }
}

/// The host name, as Consul names its node; `devconsul` when it cannot be read.
fn default_node_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "devconsul".to_string())
}

/// The innermost cause of `error`: what went wrong at the bottom (refused, reset,
/// unresolvable, …), under the layers of HTTP and gRPC clients that wrapped it.
pub fn innermost_cause<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> &'a (dyn std::error::Error + 'static) {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause
}
