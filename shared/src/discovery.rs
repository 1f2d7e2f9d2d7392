//! Watching the passing instances of a service, so a client always knows whom it may call.
//!
//! A client could ask Consul for the instances of a service before every call, but that
//! doubles the work of every call and still answers with what was true a moment ago. A
//! watcher asks once, then keeps a *blocking query* open: the agent holds the request until
//! the set of passing instances changes (or the wait ends) and answers at once when it
//! does. The client reads the latest set from memory, and Consul sends news only when there
//! is some.
//!
//! Lesson 07's worked example (its chapter shows this file); lesson 10's gateway watches
//! the captcha service with it.

use std::future::Future;
use std::time::Duration;

use consul_ext::ServiceEntry;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a watcher publishes: `None` until the agent has answered once, then the passing
/// instances of the service as the agent last reported them.
pub type Healthy = Option<Vec<ServiceEntry>>;

/// How a watcher asks and how it waits after a failure.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Only instances with this tag (`?tag=`).
    pub tag: Option<String>,
    /// How long the agent may hold one blocking query when nothing changes. Consul's default
    /// is 5 minutes; shorter waits notice a lost agent sooner.
    pub wait: Duration,
    /// The pause after a first failure, doubled after each further one...
    pub first_backoff: Duration,
    /// ...up to this.
    pub max_backoff: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            tag: None,
            wait: Duration::from_secs(60),
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// A running watcher: read [`Watcher::healthy`]; it stops when `shutdown` completes or
/// every receiver is dropped.
#[derive(Debug)]
pub struct Watcher {
    /// The latest passing set. `changed().await` waits for the next different one.
    pub healthy: watch::Receiver<Healthy>,
    /// The watching task, to await its end.
    pub task: JoinHandle<()>,
}

// ANCHOR: watcher
/// Starts watching the passing instances of `service` on the agent at `agent` (a base URL,
/// `http://127.0.0.1:8500`) in a task of its own.
pub fn watch_healthy(
    agent: String,
    service: String,
    options: WatchOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Watcher {
    let (publish, healthy) = watch::channel(None);
    let task = tokio::spawn(async move {
        let mut shutdown = std::pin::pin!(shutdown);
        tokio::select! {
            () = keep_watching(&agent, &service, &options, &publish) => {}
            () = &mut shutdown => tracing::debug!(%service, "watcher stopped"),
            () = publish.closed() => tracing::debug!(%service, "nobody reads the watcher"),
        }
    });
    Watcher { healthy, task }
}
// ANCHOR_END: watcher

// ANCHOR: loop
/// The watch loop: ask, publish what changed, ask again from the index the answer carried.
/// It never returns; the caller ends it by dropping it (at shutdown, or when nobody reads).
async fn keep_watching(
    agent: &str,
    service: &str,
    options: &WatchOptions,
    publish: &watch::Sender<Healthy>,
) {
    let tag = options.tag.as_deref();
    let mut index = 0; // 0: answer at once, whatever the state
    let mut backoff = options.first_backoff;
    loop {
        let answer =
            consul_ext::watch_healthy_instances(agent, service, tag, index, options.wait).await;
        match answer {
            Ok(answer) => {
                backoff = options.first_backoff;
                // An answer is no proof of a change (the wait ended, or something else on
                // the agent moved the index): publish only a set that differs.
                publish.send_if_modified(|healthy| {
                    let changed = healthy
                        .as_deref()
                        .is_none_or(|old| !same_instances(old, &answer.entries));
                    if changed {
                        tracing::info!(
                            %service,
                            passing = ?addresses(&answer.entries),
                            "passing instances changed"
                        );
                        *healthy = Some(answer.entries);
                    }
                    changed
                });
                // consul-ext reports 0 when the index went backwards (the agent restarted):
                // then the next question is answered at once, and we start over.
                index = answer.index;
            }
            Err(error) => {
                // The agent is down or unreachable. Keep the last known set (calls can go on
                // to instances that were passing a moment ago), wait, and start over with a
                // full listing: the agent may have restarted with other instances.
                tracing::warn!(%service, %error, ?backoff, "watch failed; asking again later");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(options.max_backoff);
                index = 0;
            }
        }
    }
}
// ANCHOR_END: loop

/// Whether two answers name the same instances at the same addresses. Check outputs and
/// the order of entries are not news to a client.
fn same_instances(old: &[ServiceEntry], new: &[ServiceEntry]) -> bool {
    fingerprint(old) == fingerprint(new)
}

fn fingerprint(entries: &[ServiceEntry]) -> Vec<(&str, String)> {
    let mut keys: Vec<_> = entries
        .iter()
        .map(|entry| (entry.service.id.as_str(), entry.address()))
        .collect();
    keys.sort();
    keys
}

/// `host:port` of each entry, for a log line.
fn addresses(entries: &[ServiceEntry]) -> Vec<String> {
    entries.iter().map(ServiceEntry::address).collect()
}
