//! A client agent's copy of its node in the server's catalog (Consul's anti-entropy).
//!
//! A client keeps its own services and runs its own checks; the server only holds a copy.
//! The client sends the whole of its node whenever something in it changes (a
//! registration, a check's new status), when a server appears, and every
//! [`FULL_SYNC_EVERY`] in any case, so that a copy lost on the way (the server restarted,
//! a partition) is put right without anyone noticing. The server replaces its copy with
//! each one it gets.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;

use super::{Cluster, Status};
use crate::http::HttpError;
use crate::shared::Shared;
use crate::state::NodeSync;

/// Where a server takes a node's copy. (Consul's `/v1/internal/` holds its own
/// private endpoints; this one is the agents' own.)
pub const SYNC_PATH: &str = "/v1/internal/devconsul/node-sync";

/// The period of a full sync when nothing changed (Consul's is a minute or more, scaled to
/// the cluster's size).
pub const FULL_SYNC_EVERY: Duration = Duration::from_secs(10);

/// Sends this client's node to the server until the agent stops.
pub async fn sync_forever(shared: Arc<Shared>, cluster: Arc<Cluster>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a plain HTTP client builds");
    let mut local = shared.subscribe();
    let mut members = cluster.subscribe();
    let mut trouble: Option<String> = None;
    loop {
        if let Some(server) = cluster.server() {
            let copy = node_copy(&shared, &cluster);
            let sent = http
                .put(format!("http://{server}{SYNC_PATH}"))
                .json(&copy)
                .send()
                .await
                .and_then(reqwest::Response::error_for_status);
            match sent {
                Ok(_) => {
                    if trouble.take().is_some() {
                        tracing::info!(target: "agent.sync", %server, "Synced node info with the server again");
                    }
                }
                Err(error) => {
                    let message = format!(
                        "the server at {server} did not take this node's services: {}",
                        crate::innermost_cause(&error)
                    );
                    if trouble.as_ref() != Some(&message) {
                        tracing::warn!(target: "agent.sync", "{message}");
                    }
                    trouble = Some(message);
                }
            }
        }
        tokio::select! {
            _ = local.changed() => {}
            _ = members.changed() => {}
            _ = tokio::time::sleep(FULL_SYNC_EVERY) => {}
            _ = shared.stopping() => return,
        }
    }
}

/// This agent's node as the server should hold it.
fn node_copy(shared: &Shared, cluster: &Cluster) -> NodeSync {
    let store = shared.store();
    NodeSync {
        node: shared.config.node_name.clone(),
        id: shared.node_id.clone(),
        address: cluster.me.gossip.ip().to_string(),
        datacenter: shared.config.datacenter.clone(),
        services: store.agent_services().cloned().collect(),
        checks: store.agent_checks().cloned().collect(),
    }
}

/// The server's side: checks a copy and puts it in the catalog.
pub fn accept(shared: &Arc<Shared>, body: &[u8]) -> Result<(), HttpError> {
    let copy: NodeSync = serde_json::from_slice(body)
        .map_err(|e| HttpError::bad_request(format!("Request decode failed: {e}")))?;
    if copy.datacenter != shared.config.datacenter {
        return Err(HttpError::bad_request(format!(
            "node {} is in datacenter {:?}, this server in {:?}",
            copy.node, copy.datacenter, shared.config.datacenter
        )));
    }
    let conflict = |message: String| HttpError::new(StatusCode::CONFLICT, message);
    if copy.node == shared.config.node_name {
        return Err(conflict(format!(
            "node {} is this server's own name: give each agent its own -node",
            copy.node
        )));
    }
    let member = shared.cluster().and_then(|cluster| {
        cluster
            .members()
            .into_iter()
            .find(|m| m.id.node == copy.node)
    });
    if let Some(member) = member {
        if member.status == Status::Left {
            return Err(conflict(format!("node {} has left the cluster", copy.node)));
        }
        // Another agent of the same name (refused by gossip) must not replace its copy.
        let known_at = member.id.gossip.ip().to_string();
        if member.status == Status::Alive && known_at != copy.address {
            return Err(conflict(format!(
                "node {} is the agent at {known_at}, not {}: give each agent its own -node",
                copy.node, copy.address
            )));
        }
    }
    shared.write(|store| store.sync_node(copy));
    Ok(())
}
