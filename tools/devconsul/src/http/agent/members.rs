//! `/v1/agent/members`, `join`, `force-leave` and `leave`: the agent as a member of its
//! cluster (with `-dev`, a cluster of one), and the endpoint where a server takes a client's
//! copy of its node.

use super::*;
use crate::cluster::{Member, Status};

/// A member as Serf lists it (`/v1/agent/members`, `/v1/agent/self`'s `Member`).
fn member_view(member: &Member) -> Value {
    let id = &member.id;
    json!({
        "Name": id.node,
        "Addr": id.gossip.ip().to_string(),
        "Port": id.gossip.port(),
        "Tags": {
            "build": "1.17.0:workbook",
            "dc": id.datacenter,
            "id": crate::shared::node_id(&id.node),
            "port": id.server_port.to_string(),
            "role": if id.server { "consul" } else { "node" },
            "bootstrap": if id.server { "1" } else { "0" },
            "segment": "",
            "vsn": "2",
        },
        "Status": member.status.code(),
        "ProtocolMin": 1,
        "ProtocolMax": 5,
        "ProtocolCur": 2,
        "DelegateMin": 2,
        "DelegateMax": 5,
        "DelegateCur": 4,
    })
}

/// This agent as a member: from the cluster, or with `-dev` the one server there is.
pub fn member(call: &Call) -> Value {
    let shared = &call.shared;
    let me = match shared.cluster() {
        Some(cluster) => Member {
            id: cluster.me.clone(),
            status: Status::Alive,
        },
        None => Member {
            id: crate::cluster::Id {
                node: shared.config.node_name.clone(),
                gossip: std::net::SocketAddr::new(
                    views::NODE_ADDRESS.parse().expect("an IP address"),
                    crate::cluster::SERF_LAN_PORT,
                ),
                datacenter: shared.config.datacenter.clone(),
                server: true,
                server_port: crate::cluster::SERVER_PORT,
                bump: 0,
            },
            status: Status::Alive,
        },
    };
    member_view(&me)
}

pub fn members(call: &Call) -> Answer {
    let members: Vec<Value> = match call.shared.cluster() {
        Some(cluster) => cluster.members().iter().map(member_view).collect(),
        None => vec![member(call)],
    };
    Ok(json(call, StatusCode::OK, &Value::Array(members)))
}

pub async fn join(call: &Call, address: &str) -> Answer {
    let cluster = clustered(call)?;
    match cluster.join(address).await {
        Ok(node) => {
            tracing::info!(target: "agent", %address, %node, "Join completed");
            Ok(empty())
        }
        Err(error) => Err(HttpError::internal(format!(
            "Error joining address '{address}': {error}"
        ))),
    }
}

pub async fn force_leave(call: &Call, node: &str) -> Answer {
    let cluster = clustered(call)?;
    cluster
        .force_leave(node)
        .await
        .map(|()| empty())
        .map_err(HttpError::internal)
}

pub async fn leave(call: &Call) -> Answer {
    tracing::info!(target: "agent", "Graceful leave requested");
    if let Some(cluster) = call.shared.cluster() {
        cluster.leave().await;
    }
    call.shared.stop();
    Ok(empty())
}

pub fn node_sync(call: &Call) -> Answer {
    if call.shared.cluster().is_none_or(|c| !c.me.server) {
        return Err(HttpError::bad_request(
            "this agent is not a cluster's server",
        ));
    }
    crate::cluster::sync::accept(&call.shared, &call.body).map(|()| empty())
}

fn clustered(call: &Call) -> Result<std::sync::Arc<crate::cluster::Cluster>, HttpError> {
    call.shared.cluster().ok_or_else(|| {
        HttpError::bad_request(
            "this agent runs alone (-dev): start it with -server or -join to form a cluster",
        )
    })
}
