//! The etcd registry: one key per node, kept alive by a lease, in go-micro's layout (the
//! whole service as JSON under each node's key: `etcd/record.rs`), so that go-micro's
//! services and these find each other.
//!
//! etcd is a consistent key-value store (raft): a write is acknowledged once a majority of
//! members has it, so every client reads the same list. There are no health checks: a node
//! writes its key with a lease and renews the lease while it runs (a keep-alive). When it
//! stops renewing — it crashed, or lost the network — the lease runs out, etcd deletes the
//! key, and every watcher is told at once.
//!
//! Two traps shape this lesson's etcd code. etcd-client's client over several endpoints does
//! not skip a dead member (its balanced channel picks it anyway, and the call fails
//! `Unavailable`), so [`Members`] (in `etcd/members.rs`) holds one client per member and
//! tries the next when one is down. And a watch dies with the member it runs on, so
//! `keep_watching` (in `etcd/follow.rs`) resumes it from the last revision it saw, on
//! another member.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::watch;
use tokio::task::JoinHandle;

// The exercise `deploy.registry-address` (lesson 14) rebuilds this module, and is answered by it.
pub mod address;
pub mod follow;
// The exercise `micro.etcd-keys` rebuilds this module, and is answered by it (`--features solution`).
pub mod keys;
// The exercise `micro.keep-lease` rebuilds this module, and is answered by it (`--features solution`).
pub mod lease;
mod members;
pub mod record;

use follow::{follow_prefix, keys_under, list};
pub use members::{Members, REQUEST_TIMEOUT};

use super::{Node, Nodes, Registry};
use crate::registry::etcd::keys::{ROOT, decode, encode, node_key, service_of, service_prefix};
use crate::registry::etcd::lease::keep_lease;

/// How long `register` waits for the first lease before it reports etcd unreachable.
pub const REGISTER_TIMEOUT: Duration = Duration::from_secs(4);

/// A registration being kept alive: the task renewing it, and its current lease.
struct Kept {
    task: JoinHandle<()>,
    lease: watch::Receiver<Option<i64>>,
}

/// The etcd registry.
pub struct EtcdRegistry {
    members: Members,
    ttl: Duration,
    kept: Mutex<HashMap<String, Kept>>,
}

impl EtcdRegistry {
    /// A registry on the cluster at `endpoints`; registrations live `ttl` without renewal.
    pub async fn connect(endpoints: &[String], ttl: Duration) -> anyhow::Result<EtcdRegistry> {
        Ok(EtcdRegistry {
            members: Members::connect(endpoints).await?,
            ttl,
            kept: Mutex::new(HashMap::new()),
        })
    }

    /// `cannot WHAT: …`: no etcd answers (and how to start one), or what etcd answered.
    fn unreachable(&self, what: &str, error: etcd_client::Error) -> anyhow::Error {
        self.members.failed(what, error)
    }
}

impl Registry for EtcdRegistry {
    // ANCHOR: register
    fn register<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            // No etcd at all is said at once, in one line, rather than retried below.
            self.members
                .answering()
                .await
                .map_err(|error| self.unreachable(&format!("register {}", node.id), error))?;
            let key = node_key(service, node);
            let value = encode(service, node);
            let (leases, mut lease) = watch::channel(None);
            let task = tokio::spawn(keep_lease(
                self.members.clone(),
                key,
                value,
                self.ttl,
                leases,
            ));
            // The first lease and put, within a bound: etcd may be down.
            let granted = tokio::time::timeout(REGISTER_TIMEOUT, lease.wait_for(Option::is_some));
            if !matches!(granted.await, Ok(Ok(_))) {
                task.abort();
                anyhow::bail!(
                    "cannot register {}: etcd at {} granted no lease",
                    node.id,
                    self.members.endpoints()
                );
            }
            let kept = Kept { task, lease };
            let old = crate::locks::lock(&self.kept).insert(node.id.clone(), kept);
            if let Some(old) = old {
                old.task.abort();
            }
            Ok(())
        }
        .boxed()
    }
    // ANCHOR_END: register

    fn deregister<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let kept = crate::locks::lock(&self.kept).remove(&node.id);
            let lease = match kept {
                Some(Kept { task, lease }) => {
                    // No more keep-alives, no registering again. The keeper may be running
                    // on another thread right now (registering again after a lost lease, as
                    // when the member it renewed through stops with this host): it is
                    // awaited until it has stopped, so that nothing it sends comes after the
                    // delete below and writes the key back for a node that has left.
                    task.abort();
                    let _ = task.await;
                    *lease.borrow()
                }
                None => None,
            };
            self.members
                .withdraw(&node_key(service, node), lease)
                .await
                .map_err(|error| self.unreachable(&format!("deregister {}", node.id), error))
        }
        .boxed()
    }

    fn get_service<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<Node>>> {
        async move {
            let (nodes, _revision) = list(&self.members, &service_prefix(service), decode)
                .await
                .map_err(|error| self.unreachable(&format!("list {service}"), error))?;
            Ok(crate::registry::sorted(
                nodes.into_values().flatten().collect(),
            ))
        }
        .boxed()
    }

    fn list_services(&self) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
        async move {
            let (keys, _revision) = keys_under(&self.members, ROOT)
                .await
                .map_err(|error| self.unreachable("list the services", error))?;
            let mut names: Vec<String> = keys
                .iter()
                .filter_map(|key| service_of(key))
                .map(str::to_string)
                .collect();
            names.sort();
            names.dedup();
            Ok(names)
        }
        .boxed()
    }

    fn watch<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Nodes>> {
        async move {
            follow_prefix(&self.members, &service_prefix(service), decode)
                .await
                .map_err(|error| self.unreachable(&format!("watch {service}"), error))
        }
        .boxed()
    }

    fn describe(&self) -> String {
        format!("etcd {}", self.members.endpoints())
    }
}
