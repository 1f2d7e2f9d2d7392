//! Joining: `-join`, `-retry-join`, `-rejoin` and `devconsul join`.
//!
//! SWIM joins by announcing to one member: it answers with what it knows, and gossip does
//! the rest. What a person gives is an address (`host-a`, `10.14.0.11:8301`), and what
//! they need to hear back is whether an agent answered there, so a join waits for that
//! answer, up to `JOIN_TIMEOUT`, and says why when none came.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::bail;
use tokio::sync::oneshot;

use super::{Cluster, Command, SERF_LAN_PORT};

impl Cluster {
    /// Contacts the agent at `address` (`host` or `host:port`, port 8301 by default) and
    /// waits until it answers. Returns its node name.
    pub async fn join(&self, address: &str) -> Result<String, String> {
        let target = resolve(address).await?;
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Join(target, reply))
            .await
            .map_err(|_| "the agent is shutting down".to_string())?;
        answer
            .await
            .unwrap_or_else(|_| Err("the agent is shutting down".to_string()))
    }

    /// Joins what `-join`, `-retry-join` and `-rejoin` name, as the agent starts: `-join`
    /// must reach one agent or the start fails; the others are retried in the background.
    pub async fn join_at_start(self: &Arc<Self>) -> anyhow::Result<()> {
        let config = &self.config;
        if !config.join.is_empty() {
            let mut errors = Vec::new();
            let mut joined = 0;
            for address in &config.join {
                match self.join(address).await {
                    Ok(_) => joined += 1,
                    Err(error) => {
                        errors.push(format!("Error joining address '{address}': {error}"))
                    }
                }
            }
            if joined == 0 {
                bail!(
                    "{}\nFailed to join any nodes (add -retry-join to keep trying)",
                    errors.join("\n")
                );
            }
            tracing::info!(target: "agent", "Join completed. Initial agents synced: {joined}");
        }
        let mut later = config.retry_join.clone();
        if config.rejoin {
            let known =
                std::fs::read_to_string(snapshot_path(&config.data_dir)).unwrap_or_default();
            later.extend(
                known
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string),
            );
        }
        if !later.is_empty() {
            tokio::spawn(retry_join(Arc::clone(self), later));
        }
        Ok(())
    }
}

/// Tries the addresses every `retry_interval` until one answers (`-retry-join`).
async fn retry_join(cluster: Arc<Cluster>, addresses: Vec<String>) {
    for attempt in 1.. {
        for address in &addresses {
            match cluster.join(address).await {
                Ok(node) => {
                    tracing::info!(target: "agent", %address, %node, "Join cluster completed");
                    return;
                }
                Err(error) => {
                    tracing::warn!(target: "agent", %address, attempt, "Join cluster failed, will retry: {error}");
                }
            }
        }
        tokio::time::sleep(cluster.config.retry_interval).await;
    }
}

/// Where the members last known alive are written, for `-rejoin`.
pub(crate) fn snapshot_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("serf-members")
}

/// `host` or `host:port` (port 8301 when none is given), by name or address.
async fn resolve(address: &str) -> Result<SocketAddr, String> {
    let with_port = if address.parse::<SocketAddr>().is_ok()
        || address
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        address.to_string()
    } else {
        format!("{address}:{SERF_LAN_PORT}")
    };
    let mut found = tokio::net::lookup_host(&with_port)
        .await
        .map_err(|e| format!("cannot resolve {address}: {e}"))?;
    found
        .find(SocketAddr::is_ipv4)
        .ok_or_else(|| format!("{address} has no IPv4 address"))
}
