//! The agent's own services, as an operator cleans up after a killed server: which
//! instances this agent holds (`GET /v1/agent/services`), and taking one out
//! (`PUT /v1/agent/service/deregister/:id`).
//!
//! consulrs 0.1.0 has both, but its `service::list` cannot read a service registered with
//! an IP literal (see the crate's traps), and these answer with this crate's errors, whose
//! status says a 404 (not registered there) apart from an agent that is down.

use std::collections::HashMap;

use reqwest::Method;

use crate::health::{AgentAddress, Service};
use crate::{Error, api};

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
