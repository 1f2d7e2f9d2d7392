//! Exercise `register.two-instances`: two instances of one service on one machine, each
//! with a check of its own and its own tags.
//!
//! The worked example (`shared::consul::Instance`) gives each instance an ID of its own, so
//! two instances on one machine do not replace each other. Here you register them by hand,
//! and go one step further. A check has an ID too, and check IDs are unique on the whole
//! agent, not per service: tools find a check by its ID (`/v1/agent/check/pass/ID`,
//! `/v1/health/checks/NAME`), so choose one that names its instance. And each instance
//! carries tags (here, which version it runs) that clients filter on (`?tag=v2`): an
//! instance restarted with other tags must replace its entry, tags and check included,
//! not add a second one beside it.
//!
//! The check is a TCP check ("does something accept connections on the port?"), built with
//! consulrs's builders rather than with `shared::consul::Instance`.

use std::net::SocketAddr;
use std::time::Duration;

use consulrs::api::check::common::AgentServiceCheckBuilder;
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::error::ClientError;
use shared::consul::go_duration;

/// What the agent now holds for one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// The instance's ID: the same for the same instance started again.
    pub id: String,
    /// The ID of its TCP check, unique on the agent, naming its instance.
    pub check_id: String,
}

/// Registers the instance of `name` that listens on `addr`, tagged `tags`, with a TCP check
/// every `interval`, and says under which IDs.
///
/// - Two instances of `name` on this machine (two ports) both stay registered, each with
///   its own check.
/// - Registering the same instance again (a restart, maybe with other tags) replaces its
///   entry: same ID, same check ID, the new tags.
/// - The address it registers is a host name (`localhost` for a loopback address), never
///   an IP literal: Consul would add `TaggedAddresses`, which consulrs 0.1.0 cannot read.
pub async fn register_instance(
    client: &ConsulClient,
    name: &str,
    addr: SocketAddr,
    interval: Duration,
    tags: &[&str],
) -> Result<Registered, ClientError> {
    // TODO: register this instance, its TCP check and its tags as the doc comment says, and
    // answer the two IDs. What tells two instances on one machine apart — and what stays the
    // same when one of them restarts?
    todo!("register.two-instances: register this instance, its check and its tags")
}
