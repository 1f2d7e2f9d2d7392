//! A registry that lives in the process's memory, for tests.
//!
//! Nothing leaves the process: every service and client that shares one `MemoryRegistry`
//! (an `Arc`) sees the same nodes, and nobody else does. Nothing expires either — a node is
//! there until it is deregistered. It is also the simplest picture of what a registry does:
//! a map from service names to nodes, and a way to be told when it changes.

use std::collections::{BTreeMap, BTreeSet};

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::watch;

use super::{Node, Nodes, Registry};

/// Service name → node id → node.
type Table = BTreeMap<String, BTreeMap<String, Node>>;

// ANCHOR: memory
/// A registry in memory: a table behind a `watch` channel, so that watchers see each change.
#[derive(Debug)]
pub struct MemoryRegistry {
    table: watch::Sender<Table>,
}

impl Default for MemoryRegistry {
    fn default() -> Self {
        MemoryRegistry {
            table: watch::Sender::new(Table::new()),
        }
    }
}

impl MemoryRegistry {
    pub fn new() -> MemoryRegistry {
        MemoryRegistry::default()
    }

    fn nodes(table: &Table, service: &str) -> Vec<Node> {
        table
            .get(service)
            .map(|nodes| nodes.values().cloned().collect())
            .unwrap_or_default()
    }
}

impl Registry for MemoryRegistry {
    fn register<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        self.table.send_modify(|table| {
            let nodes = table.entry(service.to_string()).or_default();
            nodes.insert(node.id.clone(), node.clone());
        });
        async { Ok(()) }.boxed()
    }

    fn deregister<'a>(
        &'a self,
        service: &'a str,
        node: &'a Node,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        self.table.send_if_modified(|table| {
            let Some(nodes) = table.get_mut(service) else {
                return false;
            };
            let removed = nodes.remove(&node.id).is_some();
            if nodes.is_empty() {
                table.remove(service);
            }
            removed
        });
        async { Ok(()) }.boxed()
    }

    fn get_service<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<Node>>> {
        let nodes = MemoryRegistry::nodes(&self.table.borrow(), service);
        async { Ok(nodes) }.boxed()
    }

    fn list_services(&self) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
        let names: BTreeSet<String> = self.table.borrow().keys().cloned().collect();
        async { Ok(names.into_iter().collect()) }.boxed()
    }

    fn watch<'a>(&'a self, service: &'a str) -> BoxFuture<'a, anyhow::Result<Nodes>> {
        let mut table = self.table.subscribe();
        let service = service.to_string();
        let (publish, nodes) =
            watch::channel(MemoryRegistry::nodes(&table.borrow_and_update(), &service));
        // Copy this service's part of the table on each change, until nobody listens.
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    changed = table.changed() => if changed.is_err() { return },
                    () = publish.closed() => return,
                }
                let latest = MemoryRegistry::nodes(&table.borrow_and_update(), &service);
                publish.send_if_modified(|nodes| {
                    let changed = *nodes != latest;
                    *nodes = latest;
                    changed
                });
            }
        });
        async { Ok(nodes) }.boxed()
    }

    fn describe(&self) -> String {
        "memory".to_string()
    }
}
// ANCHOR_END: memory
