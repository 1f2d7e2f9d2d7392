//! Lesson 15's metrics in the stack: where its Prometheus is, and whether it sees every
//! replica.
//!
//! The stack runs Prometheus as a service of its own (`prometheus` in `lab/stack.yaml`;
//! `lab/metrics` writes its configuration and starts it). It is told where to look, not what
//! is there, as in lesson 15: the gateways by their service's name, which resolves to every
//! replica's address (dnsrr), and the services by asking a gateway which ones the registry
//! holds (`/metrics/targets`). So a replica the swarm moves is scraped at its new address
//! within seconds, and one that leaves is dropped, with nothing written down anywhere.
//!
//! It runs on manager-1, the node the chapter's faults leave alone, as lesson 14's lab keeps
//! its Prometheus on a host the nemesis does not touch; its port is published there. A
//! deploy is over once Prometheus scrapes every replica the stack runs: what `deploy` says
//! then is what an operator's dashboard would show.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;

use super::status::ServiceState;
use super::{Swarm, counted, wait};

/// The node Prometheus runs on (a placement constraint in `lab/stack.yaml`).
pub const NODE: &str = "manager-1";
/// Where it listens, published on its node.
pub const PORT: u16 = 9090;
/// The stack's services whose replicas Prometheus scrapes, as the stack names them.
const SCRAPED: [&str; 3] = ["api", "captcha", "user"];
/// The scrape job of the gateways (lab/metrics); the services' targets carry a `service`
/// label instead, from the gateway's service discovery.
const GATEWAYS_JOB: &str = "micro-api";
/// How long Prometheus may take to scrape every replica once the stack runs: it asks for
/// targets every 2 s and scrapes as often.
const PATIENCE: Duration = Duration::from_secs(60);

/// `/api/v1/targets`, the part read here.
#[derive(Debug, Deserialize)]
struct Answer {
    data: Data,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(rename = "activeTargets")]
    active: Vec<Target>,
}

/// One target Prometheus scrapes: its labels, and how its last scrape went.
#[derive(Debug, Deserialize)]
struct Target {
    labels: BTreeMap<String, String>,
    health: String,
    #[serde(rename = "lastError", default)]
    last_error: String,
    #[serde(rename = "scrapeUrl", default)]
    url: String,
}

impl Target {
    /// Which of the stack's services it is a replica of.
    fn service(&self) -> Option<&str> {
        match self.labels.get("job").map(String::as_str) {
            Some(GATEWAYS_JOB) => Some("api"),
            _ => self.labels.get("service").map(String::as_str),
        }
    }
}

impl Swarm {
    /// Where Prometheus answers, from this machine.
    pub fn prometheus_url(&self) -> anyhow::Result<String> {
        let node = self
            .nodes()?
            .into_iter()
            .find(|node| node.name == NODE)
            .with_context(|| format!("no {NODE} in this lab: Prometheus runs there"))?;
        Ok(format!("http://{}:{PORT}", node.address))
    }

    /// Waits until Prometheus scrapes every replica of the gateways and the services, as
    /// many as `services` (the stack, running) has of each, and each scrape succeeds; says
    /// so in one line.
    pub(super) fn wait_for_scrapes(&self, services: &[ServiceState]) -> anyhow::Result<String> {
        let url = self.prometheus_url()?;
        let wanted: Vec<(&str, u32)> = SCRAPED
            .iter()
            .map(|name| {
                let running = services
                    .iter()
                    .find(|s| s.name.strip_prefix("course_") == Some(*name))
                    .map_or(0, |s| s.wanted);
                (*name, running)
            })
            .collect();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        let targets = format!("{url}/api/v1/targets?state=active");
        wait::until(
            "Prometheus scraping every replica of the stack",
            PATIENCE,
            |seen| {
                // A stop ends this wait too, though it runs no command.
                self.commands.stopped()?;
                let answer: Answer = runtime.block_on(async {
                    let response = client.get(&targets).send().await?.error_for_status()?;
                    response.json().await
                })?;
                let up = |name: &str| {
                    answer
                        .data
                        .active
                        .iter()
                        .filter(|t| t.service() == Some(name) && t.health == "up")
                        .count() as u32
                };
                if wanted.iter().all(|(name, count)| up(name) == *count) {
                    return Ok(Some(()));
                }
                *seen = answer
                    .data
                    .active
                    .iter()
                    .filter(|t| t.health != "up")
                    .map(|t| format!("{} {} {}", t.url, t.health, t.last_error))
                    .chain(
                        wanted
                            .iter()
                            .map(|(name, count)| format!("{name}: {} up of {count}", up(name))),
                    )
                    .collect::<Vec<_>>()
                    .join("\n");
                Ok(None)
            },
        )?;
        let total: u32 = wanted.iter().map(|(_, count)| count).sum();
        let each: Vec<String> = wanted
            .iter()
            .map(|(name, count)| format!("{name} {count}"))
            .collect();
        Ok(format!(
            "Prometheus ({url}) scrapes {}, every one up: {}",
            counted(total as usize, "replica"),
            each.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_is_a_replica_of_the_gateway_by_its_job_and_of_a_service_by_its_label() {
        let answer: Answer = serde_json::from_str(
            r#"{"status":"success","data":{"activeTargets":[
                {"labels":{"job":"micro-api","instance":"10.117.0.9:8080"},"health":"up",
                 "lastError":"","scrapeUrl":"http://10.117.0.9:8080/metrics"},
                {"labels":{"job":"user","service":"user"},"health":"down",
                 "lastError":"connection refused","scrapeUrl":"https://10.117.0.12:7021/metrics"}
            ],"droppedTargets":[]}}"#,
        )
        .unwrap();
        let services: Vec<_> = answer.data.active.iter().map(Target::service).collect();
        assert_eq!(services, [Some("api"), Some("user")]);
        assert_eq!(answer.data.active[1].last_error, "connection refused");
    }
}
