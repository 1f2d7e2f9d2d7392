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

use consul_ext::ServiceEntry;

// ANCHOR: queries
/// Every service the agent knows, with the tags its instances carry.
/// `GET /v1/catalog/services`.
pub async fn services(agent: &str) -> anyhow::Result<BTreeMap<String, Vec<String>>> {
    let client = consul_ext::client_for(agent)?;
    let answer = consulrs::catalog::services(&client, None).await?;
    Ok(answer.response.into_iter().collect())
}

/// Every instance of `service` with its checks, passing or not.
/// `GET /v1/health/service/NAME`, without `?passing`; each entry's `worst_check()` is
/// what `?passing` looks at.
pub async fn all_instances(agent: &str, service: &str) -> anyhow::Result<Vec<ServiceEntry>> {
    Ok(consul_ext::all_instances(agent, service).await?)
}
// ANCHOR_END: queries

// ANCHOR: print
/// Prints every service, each instance with its health, and each check with its output.
pub async fn print_catalog(agent: &str) -> anyhow::Result<()> {
    for (service, tags) in services(agent).await? {
        let instances = all_instances(agent, &service).await?;
        println!("{service}  tags {tags:?}  {} instance(s)", instances.len());
        for entry in &instances {
            let health = entry.worst_check();
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
