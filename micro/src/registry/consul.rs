//! The Consul registry: an agent's catalog, a TTL check, and blocking queries.
//!
//! Consul keeps instances with health checks. Where lessons 06–08 let the agent call each
//! instance's gRPC health service, this registry uses what go-micro's Consul plugin uses: a
//! TTL check that the instance passes itself every `ttl / 3`. If the process dies, the passes
//! stop, the check turns critical after `ttl`, and the instance drops out of every client's
//! list of passing instances. If a pass fails because the agent no longer knows the
//! instance (it was restarted, or reaped us during a pause), the instance registers again.
//!
//! Watching is lesson 07's `shared::discovery` (blocking queries on the passing instances).
//! A node's metadata travels in its tags, packed as go-micro packs them ([`tags`]).

pub mod tags;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use consul_ext::ServiceEntry;
use consulrs::api::check::common::{AgentServiceCheck, AgentServiceCheckBuilder};
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::error::ClientError;
use futures::FutureExt;
use futures::future::BoxFuture;
use shared::consul::{Instance, go_duration};
use shared::discovery::{WatchOptions, watch_healthy};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{info, warn};

use super::{Node, Nodes, Registry};

/// How long one request to the agent may take.
pub const AGENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The Consul registry.
pub struct ConsulRegistry {
    agent: String,
    client: Arc<ConsulClient>,
    ttl: Duration,
    heartbeats: Mutex<HashMap<String, JoinHandle<()>>>,
}

impl ConsulRegistry {
    /// A registry on the agent at `address` (`host:port`, with or without `http://`).
    pub fn new(address: &str, ttl: Duration) -> anyhow::Result<ConsulRegistry> {
        let agent = consul_ext::normalise_address(address)?;
        Ok(ConsulRegistry {
            client: Arc::new(consul_ext::client_for(&agent)?),
            agent,
            ttl,
            heartbeats: Mutex::new(HashMap::new()),
        })
    }

    async fn bounded<T, E: std::fmt::Display>(
        &self,
        what: &str,
        request: impl std::future::Future<Output = Result<T, E>>,
    ) -> anyhow::Result<T> {
        match tokio::time::timeout(AGENT_TIMEOUT, request).await {
            Ok(Ok(answer)) => Ok(answer),
            // consulrs says "An error occurred with the request" for an agent that is not
            // there at all: ask the agent itself, and say what to do when nothing answers.
            Ok(Err(_))
                if consul_ext::leader(&self.agent, AGENT_TIMEOUT)
                    .await
                    .is_err() =>
            {
                anyhow::bail!(
                    "cannot {what}: {}",
                    shared::unreachable::no_answer(
                        shared::unreachable::Needed::Consul,
                        &self.agent
                    )
                )
            }
            Ok(Err(error)) => anyhow::bail!(
                "cannot {what}: the Consul agent at {} answered: {error}",
                self.agent
            ),
            Err(_) => anyhow::bail!(
                "cannot {what}: the Consul agent at {} did not answer within {AGENT_TIMEOUT:?}",
                self.agent
            ),
        }
    }
}

// ANCHOR: instance
/// The node as lesson 06's `Instance` (Consul wants a host name, not an IP literal, as the
/// address), with what Consul has no field for — the version and the address as the node
/// gave it — in the registration's metadata, and the node's own metadata (and the version
/// again) in its tags, packed as go-micro packs them.
fn instance(service: &str, node: &Node) -> anyhow::Result<Instance> {
    let addr: SocketAddr = node.address.parse()?;
    let mut instance = Instance::new(service, addr);
    instance.id = node.id.clone();
    Ok(instance)
}

async fn register(
    client: &ConsulClient,
    instance: &Instance,
    node: &Node,
    ttl: Duration,
) -> Result<(), ClientError> {
    let meta = HashMap::from([
        ("version".to_string(), node.version.clone()),
        ("address".to_string(), node.address.clone()),
    ]);
    let mut registration = RegisterServiceRequest::builder();
    registration
        .id(instance.id.clone())
        .address(instance.host())
        .port(u64::from(instance.addr.port()))
        .meta(meta)
        .tags(tags::encode(&node.metadata, &node.endpoints, &node.version))
        .check(ttl_check(instance, ttl));
    consulrs::service::register(client, &instance.name, Some(&mut registration)).await?;
    Ok(())
}

fn node_of(entry: &ServiceEntry) -> Node {
    let meta = &entry.service.meta;
    Node {
        id: entry.service.id.clone(),
        address: meta
            .get("address")
            .cloned()
            .unwrap_or_else(|| entry.address()),
        version: meta
            .get("version")
            .cloned()
            .or_else(|| tags::version(&entry.service.tags))
            .unwrap_or_default(),
        metadata: tags::metadata(&entry.service.tags),
        endpoints: tags::endpoints(&entry.service.tags),
    }
}

/// The check of a node: passed by the node itself every `ttl / 3`, critical after `ttl`
/// without a pass. go-micro's rule for reaping: no sooner than a minute after it failed
/// (a real agent reaps no sooner anyway).
fn ttl_check(instance: &Instance, ttl: Duration) -> AgentServiceCheck {
    AgentServiceCheckBuilder::default()
        .check_id(format!("service:{}", instance.id))
        .name(format!("heartbeat of {}", instance.id))
        .ttl(go_duration(ttl))
        .status("passing")
        .deregister_critical_service_after(go_duration(
            ttl.max(Duration::from_secs(60)) + Duration::from_secs(5),
        ))
        .build()
        .expect("every field of the check is set")
}

/// Passes the check of `instance` every `ttl / 3`; when a pass fails (the agent lost the
/// instance), registers it again.
async fn heartbeat(client: Arc<ConsulClient>, instance: Instance, node: Node, ttl: Duration) {
    let check_id = format!("service:{}", instance.id);
    let mut every = tokio::time::interval(ttl / 3);
    let mut registered = true; // `register` did it before starting this task
    loop {
        every.tick().await;
        if !registered {
            let again = register(&client, &instance, &node, ttl);
            registered = matches!(tokio::time::timeout(AGENT_TIMEOUT, again).await, Ok(Ok(())));
            if registered {
                info!(id = %instance.id, "registered again with the Consul agent");
            }
            continue;
        }
        let pass = consulrs::check::pass(client.as_ref(), &check_id, None);
        if let Ok(Err(error)) = tokio::time::timeout(AGENT_TIMEOUT, pass).await {
            warn!(id = %instance.id, %error, "the agent refused the heartbeat; registering again");
            registered = false;
        }
    }
}
// ANCHOR_END: instance

impl Registry for ConsulRegistry {
    fn register<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let instance = instance(service, node)?;
            let registering = register(&self.client, &instance, node, self.ttl);
            self.bounded(&format!("register {}", node.id), registering)
                .await?;
            let task = tokio::spawn(heartbeat(
                self.client.clone(),
                instance,
                node.clone(),
                self.ttl,
            ));
            if let Some(old) = crate::locks::lock(&self.heartbeats).insert(node.id.clone(), task) {
                old.abort();
            }
            Ok(())
        }
        .boxed()
    }

    fn deregister<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            if let Some(task) = crate::locks::lock(&self.heartbeats).remove(&node.id) {
                task.abort();
            }
            let instance = instance(service, node)?;
            self.bounded(
                &format!("deregister {}", node.id),
                instance.deregister(&self.client),
            )
            .await
        }
        .boxed()
    }

    fn get_service<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<Node>>> {
        async move {
            let entries = self
                .bounded(
                    &format!("list {service}"),
                    consul_ext::healthy_instances(&self.agent, service, None),
                )
                .await?;
            Ok(super::sorted(entries.iter().map(node_of).collect()))
        }
        .boxed()
    }

    fn list_services(&self) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
        async move {
            let answer = self
                .bounded(
                    "list the services",
                    consulrs::catalog::services(self.client.as_ref(), None),
                )
                .await?;
            let mut names: Vec<String> = answer
                .response
                .into_keys()
                .filter(|name| name != "consul")
                .collect();
            names.sort();
            Ok(names)
        }
        .boxed()
    }

    fn watch<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Nodes>> {
        async move {
            // An agent that is not there is said at once, in one line, rather than asked
            // again and again by the watcher below.
            let asked = consul_ext::leader(&self.agent, AGENT_TIMEOUT);
            self.bounded(&format!("watch {service}"), asked).await?;
            let options = WatchOptions {
                wait: Duration::from_secs(30),
                ..WatchOptions::default()
            };
            let watcher = watch_healthy(
                self.agent.clone(),
                service.to_string(),
                options,
                std::future::pending(),
            );
            let mut healthy = watcher.healthy;
            let first = tokio::time::timeout(AGENT_TIMEOUT, healthy.wait_for(Option::is_some));
            let nodes: Vec<Node> = match first.await {
                Ok(Ok(entries)) => entries.iter().flatten().map(node_of).collect(),
                _ => {
                    watcher.task.abort();
                    anyhow::bail!(
                        "cannot watch {service}: the Consul agent at {} did not answer",
                        self.agent
                    );
                }
            };
            let (publish, receiver) = watch::channel(super::sorted(nodes));
            let task = watcher.task;
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        changed = healthy.changed() => if changed.is_err() { break },
                        () = publish.closed() => break,
                    }
                    let nodes = healthy
                        .borrow_and_update()
                        .iter()
                        .flatten()
                        .map(node_of)
                        .collect();
                    publish.send_replace(super::sorted(nodes));
                }
                task.abort();
            });
            Ok(receiver)
        }
        .boxed()
    }

    fn describe(&self) -> String {
        format!("consul {}", self.agent.trim_start_matches("http://"))
    }
}
