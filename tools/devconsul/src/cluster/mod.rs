//! Agents that form a cluster, the way Consul's do.
//!
//! With `-dev` an agent is a datacenter of one. Started with `-server` or `-join` it takes
//! part in a cluster instead:
//!
//! - **Membership** is SWIM gossip from the `foca` crate (`gossip`): every agent probes a
//!   few others each second, suspects one that stops answering and declares it failed
//!   when nobody can reach it; one that leaves says so first. This is the failure
//!   detector Consul gets from Serf.
//! - **One server per datacenter** holds the catalog. Every agent keeps its own services
//!   and runs its own checks, and copies them to the server (`sync`, Consul's
//!   anti-entropy); the server adds each node's `serfHealth` from what gossip says.
//! - **Reads go to the server**: a client agent forwards catalog, health and KV requests
//!   to it (`forward`), so every agent answers them for the whole cluster.
//!
//! What is simpler than Consul: one server (no raft, `-bootstrap-expect 1`), and the
//! agents talk to the server over its HTTP API on the server port rather than Consul's
//! RPC protocol.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};

use crate::shared::{Shared, lock};

pub mod forward;
mod gossip;
mod identity;
mod intents;
mod join;
mod members;
pub mod sync;

pub use identity::Id;

/// Consul's ports: Serf LAN gossip, and the server's port for the other agents.
pub const SERF_LAN_PORT: u16 = 8301;
pub const SERVER_PORT: u16 = 8300;

/// How long `join` waits for the agent it contacts to answer.
const JOIN_TIMEOUT: Duration = Duration::from_secs(5);

/// How an agent takes part in a cluster (`Config::cluster`; `None` is `-dev`).
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Where gossip listens and other agents reach this one (`-bind`, `-serf-lan-port`).
    pub bind: SocketAddr,
    /// Holds the catalog (`-server`).
    pub server: bool,
    /// A server's API for the other agents, on the `-bind` address (`-server-port`).
    pub server_port: u16,
    /// Joined at start; the agent stops if none answers (`-join`).
    pub join: Vec<String>,
    /// Joined at start and retried every `retry_interval` until one answers (`-retry-join`).
    pub retry_join: Vec<String>,
    pub retry_interval: Duration,
    /// Where the agent remembers the members it knew (`-data-dir`).
    pub data_dir: PathBuf,
    /// At start, join the members known before a stop that was not a leave (`-rejoin`).
    pub rejoin: bool,
    /// How often gossip probes a member (Consul's `gossip_lan.probe_interval`, 1s). The
    /// time to declare a silent member failed scales with it: about five of these.
    pub probe_interval: Duration,
}

/// Consul's LAN probe interval.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(1);

/// What gossip says of a member, in Serf's words (`members` prints them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Alive,
    Left,
    Failed,
}

impl Status {
    /// Serf's `MemberStatus` number (`/v1/agent/members`'s `Status`).
    pub fn code(self) -> u8 {
        match self {
            Status::Alive => 1,
            Status::Left => 3,
            Status::Failed => 4,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Member {
    pub id: Id,
    pub status: Status,
}

/// What the HTTP API and the CLI ask of the gossip.
enum Command {
    Join(SocketAddr, oneshot::Sender<Result<String, String>>),
    Leave(oneshot::Sender<()>),
    ForceLeave(String, oneshot::Sender<Result<(), String>>),
}

/// This agent's part in the cluster: its identity, the members it knows, and the way
/// to ask its gossip to join or leave.
pub struct Cluster {
    pub config: ClusterConfig,
    pub me: Id,
    members: Mutex<BTreeMap<String, Member>>,
    /// Moves whenever a member changes, so that a client learns when a server appears.
    changes: watch::Sender<u64>,
    commands: mpsc::Sender<Command>,
    /// For the server's API: reads a client forwards, and its copy (`sync`).
    pub http: reqwest::Client,
    /// The gossip loop, so that a stop can wait until its socket is closed.
    gossip: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Cluster {
    /// Checks the configuration, binds the gossip socket and starts gossiping.
    pub async fn start(
        config: ClusterConfig,
        node: &str,
        datacenter: &str,
        shared: Weak<Shared>,
    ) -> anyhow::Result<Arc<Cluster>> {
        let socket = UdpSocket::bind(config.bind)
            .await
            .with_context(|| format!("cannot listen for gossip on {} (UDP)", config.bind))?;
        let me = Id {
            node: node.to_string(),
            gossip: socket.local_addr()?,
            datacenter: datacenter.to_string(),
            server: config.server,
            server_port: config.server_port,
            bump: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_millis() as u64),
        };
        let (commands, inbox) = mpsc::channel(16);
        let mut members = BTreeMap::new();
        members.insert(
            me.node.clone(),
            Member {
                id: me.clone(),
                status: Status::Alive,
            },
        );
        let cluster = Arc::new(Cluster {
            config,
            me,
            members: Mutex::new(members),
            changes: watch::channel(0).0,
            commands,
            http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .context("cannot make an HTTP client")?,
            gossip: Mutex::new(None),
        });
        let task = tokio::spawn(gossip::run(Arc::clone(&cluster), socket, inbox, shared));
        *lock(&cluster.gossip) = Some(task);
        Ok(cluster)
    }

    /// Waits until the gossip has stopped (after a leave, or the agent's stop).
    pub async fn stopped(&self) {
        let task = lock(&self.gossip).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Where this agent's gossip listens (with the real port when 0 was asked for).
    pub fn gossip_addr(&self) -> SocketAddr {
        self.me.gossip
    }

    /// Every member this agent knows, itself included, by node name.
    pub fn members(&self) -> Vec<Member> {
        self.lock().values().cloned().collect()
    }

    /// The API of the live server this agent sends its copy and its reads to.
    pub fn server(&self) -> Option<SocketAddr> {
        self.lock()
            .values()
            .find(|m| m.id.server && m.status == Status::Alive)
            .map(|m| m.id.server_api())
    }

    /// A receiver that sees every later change of membership.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Tells the cluster this agent is leaving, and stops gossiping.
    pub async fn leave(&self) {
        let (reply, done) = oneshot::channel();
        if self.commands.send(Command::Leave(reply)).await.is_ok() {
            let _ = done.await;
        }
    }

    /// Moves a failed member to left, which removes it and its services from the catalog.
    pub async fn force_leave(&self, node: &str) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::ForceLeave(node.to_string(), reply))
            .await
            .map_err(|_| "the agent is shutting down".to_string())?;
        answer
            .await
            .unwrap_or_else(|_| Err("the agent is shutting down".to_string()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Member>> {
        lock(&self.members)
    }
}

/// Checks what Consul checks before it starts an agent of a cluster.
pub fn validate(config: &ClusterConfig, bootstrap_expect: Option<u32>) -> anyhow::Result<()> {
    match (config.server, bootstrap_expect) {
        (false, Some(_)) => {
            bail!("-bootstrap-expect is for a server: add -server, or leave it out on a client")
        }
        (true, Some(0)) => bail!(
            "-bootstrap-expect 0: a server that expects no servers never elects a leader; start the one server with -bootstrap-expect 1"
        ),
        (true, Some(n)) if n > 1 => bail!(
            "-bootstrap-expect {n}: several servers need raft, which this agent does not have; run one server per datacenter (-bootstrap-expect 1) and the other agents as clients (-join)"
        ),
        _ => {}
    }
    if config.bind.ip().is_unspecified() {
        bail!(
            "-bind {}: give the address the other agents reach this one at, not 0.0.0.0",
            config.bind.ip()
        );
    }
    Ok(())
}
