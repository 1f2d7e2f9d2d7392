//! The client: call a service by its name.
//!
//! What go-micro's `client.Call` does behind one line: find the service's nodes in the
//! registry (and keep watching them, so a node that leaves is dropped at once), pick one with
//! the selector, and call it. When the call cannot have run there — the node could not be
//! reached, is going away, or does not serve that service — the client calls another node,
//! within the call's deadline, and sets the failed node aside for a while (a simple outlier
//! ejection), so that the next calls do not pay for it again.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

// The exercise `micro.call` rebuilds this module, and is answered by it (`--features solution`).
pub mod call;

use crate::client::call::call;
use crate::registry::{Node, Nodes, Registry};
use crate::selector::Selector;

/// How long a call may take, all its tries on all nodes together.
pub const CALL_DEADLINE: Duration = Duration::from_secs(5);

/// How long a node whose call could not run there is left out of the selection.
pub const SET_ASIDE_FOR: Duration = Duration::from_secs(10);

// ANCHOR: retry_rule
/// Whether a failed call cannot have done its work on the node it was sent to, so that
/// sending it to another node is safe even for a call that must not run twice: the node
/// could not be reached, is no gRPC server, or is going away (`Unavailable`: refused, not
/// HTTP/2, closed before the call was sent, draining), or does not serve this service or
/// method (`Unimplemented`). Any other failure came from a server that may have done the
/// work, or would say the same again: it is the answer.
///
/// One exception, made knowingly: a connection that broke in the middle of a call is
/// reported `Unavailable` too (`connection_failure`), although the call may have run.
pub fn cannot_have_run(status: &Status) -> bool {
    matches!(status.code(), Code::Unavailable | Code::Unimplemented)
}
// ANCHOR_END: retry_rule

// ANCHOR: client
/// A client of every service in one registry.
pub struct MicroClient {
    registry: Arc<dyn Registry>,
    selector: Box<dyn Selector>,
    watches: tokio::sync::Mutex<HashMap<String, Nodes>>,
    channels: Channels,
    set_aside: SetAside,
    deadline: Duration,
}

impl MicroClient {
    pub fn new(registry: Arc<dyn Registry>, selector: Box<dyn Selector>) -> MicroClient {
        MicroClient {
            registry,
            selector,
            watches: tokio::sync::Mutex::new(HashMap::new()),
            channels: Channels::default(),
            set_aside: SetAside::new(SET_ASIDE_FOR),
            deadline: CALL_DEADLINE,
        }
    }

    /// How long a call may take, all its tries together ([`CALL_DEADLINE`] unless told).
    pub fn deadline(mut self, deadline: Duration) -> MicroClient {
        self.deadline = deadline;
        self
    }

    /// How long a node that failed a call is left out ([`SET_ASIDE_FOR`] unless told).
    pub fn set_aside_for(mut self, time: Duration) -> MicroClient {
        self.set_aside = SetAside::new(time);
        self
    }

    /// The nodes of `service` now; the first call starts a watch that keeps them current.
    pub async fn nodes(&self, service: &str) -> anyhow::Result<Vec<Node>> {
        let mut watches = self.watches.lock().await;
        if !watches.contains_key(service) {
            let nodes = self.registry.watch(service).await?;
            watches.insert(service.to_string(), nodes);
        }
        Ok(watches[service].borrow().clone())
    }

    /// One call to a node of `service`: `request` is handed a channel to the node chosen and
    /// makes the call on it. Tried on other nodes while it [`cannot_have_run`], within the
    /// deadline. The node that answered, and the answer.
    pub async fn call<T, F, Fut>(&self, service: &str, mut request: F) -> Result<(Node, T), Status>
    where
        F: FnMut(Channel) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let tries = async {
            let nodes = self
                .nodes(service)
                .await
                .map_err(|error| Status::unavailable(format!("{error:#}")))?;
            let nodes = self.set_aside.not_set_aside(service, nodes);
            call(service, &nodes, self.selector.as_ref(), |node| {
                let sent = self.channels.get(&node.address).map(&mut request);
                async move {
                    let answer = match sent {
                        Ok(sent) => sent
                            .await
                            .map_err(|status| connection_failure(status, &node)),
                        Err(status) => Err(status),
                    };
                    self.set_aside.note(service, &node, answer.as_ref().err());
                    answer
                }
            })
            .await
        };
        tokio::time::timeout(self.deadline, tries)
            .await
            .unwrap_or_else(|_| {
                Err(Status::deadline_exceeded(format!(
                    "no node of {service} answered within {:?}",
                    self.deadline
                )))
            })
    }

    /// `hello.Greeter/SayHello` on a node of `service`; the node that answered, and the reply.
    pub async fn say_hello(&self, service: &str, name: &str) -> Result<(Node, String), Status> {
        let (node, reply) = self
            .call(service, |channel| {
                let request = HelloRequest {
                    name: name.to_string(),
                };
                async move { GreeterClient::new(channel).say_hello(request).await }
            })
            .await?;
        Ok((node, reply.into_inner().message))
    }
}
// ANCHOR_END: client

// ANCHOR: set_aside
/// The nodes whose call could not run there, left out of the selection for a while: the
/// client's, and `micro api`'s.
pub struct SetAside {
    /// (service, node id) → until when that node is left out.
    until: Mutex<HashMap<(String, String), Instant>>,
    time: Duration,
}

impl SetAside {
    /// Sets a node aside for `time` each time a call could not run there.
    pub fn new(time: Duration) -> SetAside {
        SetAside {
            until: Mutex::new(HashMap::new()),
            time,
        }
    }

    /// `nodes` without those set aside — unless that leaves none: then all of them, since
    /// trying a node that failed a while ago beats failing without trying.
    pub fn not_set_aside(&self, service: &str, nodes: Vec<Node>) -> Vec<Node> {
        let mut set_aside = crate::locks::lock(&self.until);
        let now = Instant::now();
        set_aside.retain(|_, until| *until > now);
        let left: Vec<Node> = nodes
            .iter()
            .filter(|node| !set_aside.contains_key(&(service.to_string(), node.id.clone())))
            .cloned()
            .collect();
        if left.is_empty() { nodes } else { left }
    }

    /// After a try on `node`: set it aside if the call could not run there; take it back
    /// if it answered.
    pub fn note(&self, service: &str, node: &Node, failure: Option<&Status>) {
        let mut set_aside = crate::locks::lock(&self.until);
        let key = (service.to_string(), node.id.clone());
        match failure {
            Some(status) if cannot_have_run(status) => {
                set_aside.insert(key, Instant::now() + self.time);
            }
            Some(_) => {}
            None => {
                set_aside.remove(&key);
            }
        }
    }
}
// ANCHOR_END: set_aside

/// One lazily connected channel per node address, reused across calls. An address that is
/// not `host:port` (anyone can write into a registry) makes that node unreachable:
/// `Unavailable`, and the call goes to another. Anyone can also register any number of
/// addresses: past [`Channels::MOST`] the cache starts again empty.
#[derive(Default)]
pub struct Channels(Mutex<HashMap<String, Channel>>);

impl Channels {
    /// The most channels kept at once.
    pub const MOST: usize = 256;

    /// The channel to `address`, made on first use (it connects on its first call).
    pub fn get(&self, address: &str) -> Result<Channel, Status> {
        let mut channels = crate::locks::lock(&self.0);
        if let Some(channel) = channels.get(address) {
            return Ok(channel.clone());
        }
        let endpoint = Endpoint::from_shared(format!("http://{address}")).map_err(|error| {
            Status::unavailable(format!("{address:?} is not an address to call: {error}"))
        })?;
        let channel = endpoint
            .connect_timeout(Duration::from_secs(1))
            .connect_lazy();
        if channels.len() >= Self::MOST {
            channels.clear();
        }
        channels.insert(address.to_string(), channel.clone());
        Ok(channel)
    }
}

// ANCHOR: connection_failure
/// What a failure of the call on `node` means to the caller. A gRPC status the service sent
/// is its answer, as it is. But tonic also reports what went wrong with the connection as a
/// status, with codes that say little about the node:
///
/// - `Internal: h2 protocol error`: what came back was not HTTP/2 — a web page, noise — so
///   no gRPC server is there;
/// - `Cancelled: operation was canceled`: the connection closed before the call was sent;
/// - `Unknown: transport error`: the connection was reset — the node was killed mid-call;
/// - `Cancelled: Timeout expired`: the call's own deadline passed with no answer.
///
/// The first three mean one thing: that node cannot serve calls now, try another. They
/// become `Unavailable`, naming the node. (Unlike a refused connection, a call that broke
/// mid-call may have run: trying it again is safe for SayHello, which changes nothing, and
/// is why a framework that retries must know which calls may run twice.) The last is the
/// deadline: `DeadlineExceeded`.
pub fn connection_failure(status: Status, node: &Node) -> Status {
    let mut from_the_connection = false;
    let mut source = std::error::Error::source(&status);
    while let Some(error) = source {
        if error.is::<tonic::TimeoutExpired>() {
            return Status::deadline_exceeded(format!(
                "{} at {} gave no answer within the deadline",
                node.id, node.address
            ));
        }
        from_the_connection |= error.is::<tonic::transport::Error>();
        source = error.source();
    }
    if from_the_connection {
        Status::unavailable(format!(
            "{} at {} failed: {}",
            node.id,
            node.address,
            status.message()
        ))
    } else {
        status
    }
}
// ANCHOR_END: connection_failure
