//! The agent itself: whether it is up and who it is (`GET /v1/status/leader`,
//! `GET /v1/agent/self`), and its own services, as an operator cleans up after a killed
//! server: which instances this agent holds (`GET /v1/agent/services`), and taking one out
//! (`PUT /v1/agent/service/deregister/:id`).
//!
//! consulrs 0.1.0 has both, but its `service::list` cannot read a service registered with
//! an IP literal (see the crate's traps), and these answer with this crate's errors, whose
//! status says a 404 (not registered there) apart from an agent that is down.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Method;

use crate::health::{AgentAddress, Service};
use crate::{Error, api};

/// The address of the cluster's leader as the agent knows it (`"127.0.0.1:8300"`), waiting
/// at most `timeout`: an agent that answers this is up. A probe gives a short timeout.
pub async fn leader(
    agent: &(impl AgentAddress + ?Sized),
    timeout: Duration,
) -> Result<String, Error> {
    let url = api::url(agent, &["status", "leader"])?;
    api::send(agent, Method::GET, url, None, timeout)
        .await?
        .json()
}

/// What the agent says of itself (`GET /v1/agent/self`): its configuration (`Config`, with
/// its `NodeName` and `Version`) and its place in the cluster (`Member`), waiting at most
/// `timeout`.
pub async fn agent_self(
    agent: &(impl AgentAddress + ?Sized),
    timeout: Duration,
) -> Result<serde_json::Value, Error> {
    let url = api::url(agent, &["agent", "self"])?;
    api::send(agent, Method::GET, url, None, timeout)
        .await?
        .json()
}

/// Every service instance registered with this agent, by instance ID.
pub async fn agent_services(
    agent: &(impl AgentAddress + ?Sized),
) -> Result<HashMap<String, Service>, Error> {
    let url = api::url(agent, &["agent", "services"])?;
    api::send(agent, Method::GET, url, None, api::REQUEST_TIMEOUT)
        .await?
        .json()
}

/// Removes instance `id` and its checks from the agent. An ID the agent does not hold is
/// `Error::Status` with status 404.
pub async fn deregister(agent: &(impl AgentAddress + ?Sized), id: &str) -> Result<(), Error> {
    let url = api::url(agent, &["agent", "service", "deregister", id])?;
    api::send(agent, Method::PUT, url, None, api::REQUEST_TIMEOUT).await?;
    Ok(())
}
