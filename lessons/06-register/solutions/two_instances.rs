//! Exercise `register.two-instances`: instances of one service known by a name of their
//! own, each with a check of its own and its own tags.
//!
//! The worked example (`shared::consul::Instance`) names an instance by where it listens:
//! host and port. That is right for a server that always gets the same port. An instance
//! started by a supervisor (systemd's `greeter@2.service`, a container called `greeter-2`)
//! has a name of its own instead, and may come back on another port after a restart; named
//! by its port, it would leave its old entry behind as a ghost. Here the ID comes from the
//! instance's name.
//!
//! A check has an ID too, and check IDs are unique on the whole agent, not per service:
//! tools find a check by its ID (`/v1/agent/check/pass/ID`, `/v1/health/checks/NAME`), so
//! choose one that names its instance. And each instance carries tags (here, which version
//! it runs) that clients filter on (`?tag=v2`): an instance restarted with other tags must
//! replace its entry, tags and check included, not add a second one beside it.
//!
//! The check is a TCP check ("does something accept connections on the port?").

use std::net::SocketAddr;
use std::time::Duration;

use consulrs::api::check::common::AgentServiceCheckBuilder;
use consulrs::client::ConsulClient;
use consulrs::error::ClientError;
use shared::consul::{Instance, go_duration};

/// What the agent now holds for one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The instance's ID: the same for the same instance started again, wherever it listens.
    pub id: String,
    /// The ID of its TCP check, unique on the agent, naming its instance.
    pub check_id: String,
}

/// Registers the instance called `instance` of the service `name`, listening on `addr`,
/// tagged `tags`, with a TCP check every `interval`, and says under which IDs.
///
/// - Two instances of `name` (two instance names) both stay registered, each with its own
///   check; so do two services whose instances happen to share an instance name.
/// - Registering the same instance of `name` again (a restart, maybe on another port, maybe
///   with other tags) replaces its entry: same ID, same check ID, the new port, the new tags.
/// - The address it registers is a host name (`localhost` for a loopback address), never
///   an IP literal: Consul would add `TaggedAddresses`, which consulrs 0.1.0 cannot read.
pub async fn register_instance(
    client: &ConsulClient,
    name: &str,
    instance: &str,
    addr: SocketAddr,
    interval: Duration,
    tags: &[&str],
) -> Result<Registered, ClientError> {
    // The service's name and the instance's own: nothing random, and nothing that changes
    // with a restart (the port may), so the same instance always replaces its old entry.
    let id = format!("{name}-{instance}");
    let check_id = format!("{id}:tcp");
    let registration = Instance {
        name: name.to_string(),
        id: id.clone(),
        addr,
        tags: tags.iter().map(|tag| tag.to_string()).collect(),
    };
    let target = format!("{}:{}", registration.host(), addr.port());
    let tcp_check = AgentServiceCheckBuilder::default()
        .check_id(check_id.clone())
        .name(format!("TCP {target}"))
        .tcp(target)
        .interval(go_duration(interval))
        .timeout(go_duration(interval))
        .build()
        .expect("the TCP check has all it needs");
    registration.register(client, tcp_check).await?;
    Ok(Registered { id, check_id })
}
