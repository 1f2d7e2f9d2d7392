//! What the agent holds, as an operator asks for it.
//!
//! Two questions, two endpoints. `GET /v1/catalog/services` names every service the agent
//! knows, up or down. `GET /v1/health/service/NAME` lists each instance of one service
//! joined with its checks; with `?passing` it keeps only the instances whose checks all
//! pass, which is the question a client asks (and the one `consul_ext::healthy_instances`
//! asks).
//!
//! The answers are read with consul-ext's types, not consulrs's: consulrs 0.1.0 cannot
//! read a service's `TaggedAddresses`, which Consul adds to every service registered with
//! an IP address literal, so one such registration on an agent makes consulrs's reads fail
//! for everyone. Here any registration, however it was made, can be shown.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context as _;
use consul_ext::{CheckStatus, ServiceEntry};

/// How long one query to the agent may take.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5);

// ANCHOR: queries
/// Every service the agent knows, with the tags its instances carry.
/// `GET /v1/catalog/services`.
pub async fn services(agent: &str) -> anyhow::Result<BTreeMap<String, Vec<String>>> {
    get_json(agent, "/v1/catalog/services").await
}

/// Every instance of `service` with its checks, passing or not.
/// `GET /v1/health/service/NAME`, without `?passing`.
pub async fn all_instances(agent: &str, service: &str) -> anyhow::Result<Vec<ServiceEntry>> {
    get_json(agent, &format!("/v1/health/service/{service}")).await
}

/// The worst status among an instance's checks: what `?passing` looks at.
pub fn health_of(entry: &ServiceEntry) -> CheckStatus {
    let statuses = entry.checks.iter().map(|check| check.status);
    if statuses.clone().any(|s| s == CheckStatus::Critical) {
        CheckStatus::Critical
    } else if statuses.clone().any(|s| s == CheckStatus::Warning) {
        CheckStatus::Warning
    } else {
        CheckStatus::Passing
    }
}
// ANCHOR_END: queries

// ANCHOR: print
/// Prints every service, each instance with its health, and each check with its output.
pub async fn print_catalog(agent: &str) -> anyhow::Result<()> {
    for (service, tags) in services(agent).await? {
        let instances = all_instances(agent, &service).await?;
        println!("{service}  tags {tags:?}  {} instance(s)", instances.len());
        for entry in &instances {
            let health = health_of(entry);
            println!("  {}  at {}  {health:?}", entry.service.id, entry.address());
            for check in &entry.checks {
                let output = match check.output.trim() {
                    "" => "(no result yet)".to_string(),
                    text => text.replace('\n', " "),
                };
                println!("    {:?} {:?}: {output}", check.status, check.name);
            }
        }
    }
    Ok(())
}

/// Prints the instances of `service` that pass all their checks: where a client may call.
pub async fn print_passing(agent: &str, service: &str) -> anyhow::Result<()> {
    let passing = consul_ext::healthy_instances(agent, service, None).await?;
    if passing.is_empty() {
        println!("no passing instance of {service}");
    }
    for entry in passing {
        println!("{}  {}", entry.service.id, entry.address());
    }
    Ok(())
}
// ANCHOR_END: print

/// `GET path` on the agent, read as JSON, with a deadline.
async fn get_json<T: serde::de::DeserializeOwned>(agent: &str, path: &str) -> anyhow::Result<T> {
    let url = format!("{}{path}", consul_ext::normalise_address(agent)?);
    let response = reqwest::Client::new()
        .get(&url)
        .timeout(QUERY_TIMEOUT)
        .send()
        .await
        .with_context(|| format!("no answer from the Consul agent at {agent} (GET {path})"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        anyhow::bail!(
            "the Consul agent answered {status} to GET {path}: {}",
            body.trim()
        );
    }
    response
        .json()
        .await
        .with_context(|| format!("the answer to GET {path} is not what Consul sends"))
}
