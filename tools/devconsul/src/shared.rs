//! What every part of the running agent shares: the configuration, the store behind its
//! mutex, the signal that wakes blocked queries, and the check runners.
//!
//! Every change goes through [`Shared::write`]: it runs the change under the lock, then
//! (with the lock released) starts or stops check runners to match the checks now in the
//! store and tells waiting blocking queries that the index moved.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use tokio::sync::watch;

use crate::Config;
use crate::checks::{self, Runner};
use crate::cluster::Cluster;
use crate::state::Store;

/// The service and check IDs registered from definition files.
#[derive(Debug, Default)]
pub struct FromFiles {
    pub services: BTreeSet<String>,
    pub checks: BTreeSet<String>,
}

pub struct Shared {
    pub config: Config,
    pub http_addr: SocketAddr,
    /// A stable UUID derived from the node name.
    pub node_id: String,
    store: Mutex<Store>,
    /// The store's index after the last change; blocked queries wait on it.
    changes: watch::Sender<u64>,
    /// Set once the agent is asked to stop.
    stop: watch::Sender<bool>,
    /// The running check runners, by check ID.
    runners: Mutex<HashMap<String, Runner>>,
    /// What the config folder registered, so that a reload can remove what is gone.
    pub from_files: Mutex<FromFiles>,
    /// This agent's part in a cluster, set once at start (never with `-dev`).
    cluster: OnceLock<Arc<Cluster>>,
}

impl Shared {
    pub fn new(config: Config, http_addr: SocketAddr) -> Arc<Shared> {
        let store = Store::new();
        let (changes, _) = watch::channel(store.index());
        let (stop, _) = watch::channel(false);
        Arc::new(Shared {
            node_id: node_id(&config.node_name),
            config,
            http_addr,
            store: Mutex::new(store),
            changes,
            stop,
            runners: Mutex::new(HashMap::new()),
            from_files: Mutex::new(FromFiles::default()),
            cluster: OnceLock::new(),
        })
    }

    pub fn set_cluster(&self, cluster: Arc<Cluster>) {
        let _ = self.cluster.set(cluster);
    }

    pub fn cluster(&self) -> Option<Arc<Cluster>> {
        self.cluster.get().cloned()
    }

    /// A client agent of a cluster: the catalog is the server's.
    pub fn is_client(&self) -> bool {
        self.config.cluster.as_ref().is_some_and(|c| !c.server)
    }

    /// The node's address: where the other agents reach it, or loopback with `-dev`.
    pub fn node_address(&self) -> String {
        self.config
            .cluster
            .as_ref()
            .map_or(crate::views::NODE_ADDRESS.to_string(), |c| {
                c.bind.ip().to_string()
            })
    }

    /// Locks the store.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Runs `change` on the store, then brings the check runners in line and wakes the
    /// blocked queries if the index moved.
    pub fn write<R>(self: &Arc<Self>, change: impl FnOnce(&mut Store) -> R) -> R {
        let (result, before, after) = {
            let mut store = self.store();
            let before = store.index();
            let result = change(&mut store);
            (result, before, store.index())
        };
        if after != before {
            self.sync_runners();
            self.changes.send_replace(after);
        }
        result
    }

    /// Starts a runner for every check that lacks one for its current definition, and
    /// drops (which stops) the runners of checks that are gone.
    fn sync_runners(self: &Arc<Self>) {
        if *self.stop.borrow() {
            return;
        }
        let store = self.store();
        let mut runners = lock(&self.runners);
        runners.retain(|id, runner| {
            store
                .checks
                .get(id)
                .is_some_and(|c| c.generation == runner.generation)
        });
        for check in store.checks.values() {
            if check.generation != 0 && !runners.contains_key(&check.id) {
                let runner = checks::start(self, check);
                runners.insert(check.id.clone(), runner);
            }
        }
    }

    /// Restarts the TTL clock of a check's runner after an update.
    pub fn kick(&self, check_id: &str) {
        let runners = lock(&self.runners);
        if let Some(runner) = runners.get(check_id) {
            runner.kick();
        }
    }

    /// A receiver that sees every later change of the index.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Asks the agent to stop: the HTTP server drains and blocked queries answer.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Resolves once [`Shared::stop`] has been called.
    pub async fn stopping(&self) {
        let mut stop = self.stop.subscribe();
        // The sender lives as long as `self`, so this only ends when stop is set.
        let _ = stop.wait_for(|stopped| *stopped).await;
    }

    /// Stops every check runner.
    pub fn stop_checks(&self) {
        lock(&self.runners).clear();
    }
}

/// Locks a mutex whatever happened to it. A panic elsewhere never poisons the agent: what
/// it keeps behind a mutex is still consistent, because every change is made in one step.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Re-reads the config folder, if there is one.
pub fn reload(shared: &Arc<Shared>) -> anyhow::Result<()> {
    let dir: Option<PathBuf> = shared.config.config_dir.clone();
    match dir {
        Some(dir) => crate::config_dir::load(shared, &dir),
        None => Ok(()),
    }
}

/// FNV-1a's offset basis: the usual seed of [`fnv1a`].
pub const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits, from `seed`: a stable hash, so what it names (a `ContentHash`, a node
/// ID) means the same thing across restarts.
pub fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A UUID-shaped ID that stays the same for the same node name (FNV-1a, twice).
pub fn node_id(node_name: &str) -> String {
    let hash = |seed: u64| fnv1a(seed, node_name.as_bytes());
    let (high, low) = (hash(FNV_OFFSET_BASIS), hash(0x8422_2325_cbf2_9ce4));
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
