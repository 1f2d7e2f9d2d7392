//! The client: call a service by its name.
//!
//! What go-micro's `client.Call` does behind one line: find the service's nodes in the
//! registry (and keep watching them, so a node that leaves is dropped at once), pick one with
//! the selector, and call it. When the call cannot have run there — the wire shows it never
//! reached the node's handler ([`wire`]) — the client calls another node, within the call's
//! deadline, and sets the failed node aside for a while (a simple outlier ejection), so that
//! the next calls do not pay for it again. A method declared idempotent is also tried
//! elsewhere when a try may have run (no answer in time, a broken connection, a node that
//! said `Unavailable`), and may be hedged, within a
//! retry budget ([`tries`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use tonic::Status;
use tonic::transport::{Channel, Endpoint};

pub mod budget;
// The exercise `micro.call` rebuilds this module, and is answered by it (`--features solution`):
// lesson 11's rule alone, which `tries` extends.
pub mod call;
pub mod hedge;
pub mod set_aside;
pub mod tries;
pub mod wire;

use crate::client::budget::RetryBudget;
use crate::client::hedge::Hedging;
use crate::client::tries::{Policy, Tries};
use crate::registry::{Node, Nodes, Registry};
use crate::selector::Selector;
use crate::tls::Credentials;
pub use set_aside::SetAside;
pub use tries::CALL_DEADLINE;
pub use wire::Verdict;

/// How long a node whose call could not run there is left out of the selection.
pub const SET_ASIDE_FOR: Duration = Duration::from_secs(10);

// ANCHOR: retry_rule
/// Whether a failed call cannot have done its work on the node it was sent to, so that
/// sending it to another node is safe even for a call that must not run twice. Never the
/// status code's say: the wire's ([`wire::never_ran`]) — the connection could not be made,
/// the request was never handed to one, or the server refused the stream unprocessed.
/// Whatever a server answered, `Unavailable` included, came from a server that may have
/// done the work: it is the answer.
pub fn cannot_have_run(status: &Status) -> bool {
    wire::never_ran(status)
}
// ANCHOR_END: retry_rule

// ANCHOR: client
/// A client of every service in one registry.
pub struct MicroClient {
    registry: Arc<dyn Registry>,
    selector: Box<dyn Selector>,
    watches: tokio::sync::Mutex<HashMap<String, Nodes>>,
    channels: Channels,
    tries: Tries,
}

impl MicroClient {
    pub fn new(registry: Arc<dyn Registry>, selector: Box<dyn Selector>) -> MicroClient {
        MicroClient {
            registry,
            selector,
            watches: tokio::sync::Mutex::new(HashMap::new()),
            channels: Channels::default(),
            tries: Tries::new(Policy::default()),
        }
    }

    /// How long a call may take, all its tries together ([`CALL_DEADLINE`] unless told).
    pub fn deadline(mut self, deadline: Duration) -> MicroClient {
        self.tries.policy.deadline = deadline;
        self
    }

    /// How long one try of an idempotent method may go unanswered before the call goes to
    /// another node ([`tries::PER_TRY`] unless told).
    pub fn per_try(mut self, per_try: Duration) -> MicroClient {
        self.tries.policy.per_try = per_try;
        self
    }

    /// When to send a second try of an idempotent method before the first answered (off
    /// unless told).
    pub fn hedging(mut self, hedging: Hedging) -> MicroClient {
        self.tries.policy.hedging = hedging;
        self
    }

    /// Declares `method` (`Handler.Method`) idempotent, whatever the registry says.
    pub fn idempotent(mut self, method: &str) -> MicroClient {
        self.tries.policy.idempotent.push(method.to_string());
        self
    }

    /// The budget retries and hedges are paid from ([`RetryBudget::default`] unless told).
    pub fn retry_budget(mut self, budget: RetryBudget) -> MicroClient {
        self.tries.budget = budget;
        self
    }

    /// How many retries and hedges this client paid for so far.
    pub fn retries(&self) -> u64 {
        self.tries.budget.retries()
    }

    /// How long a node that failed a call is left out ([`SET_ASIDE_FOR`] unless told).
    pub fn set_aside_for(mut self, time: Duration) -> MicroClient {
        self.tries.set_aside = SetAside::new(time);
        self
    }

    /// Calls over mutual TLS with `credentials`, and only nodes that serve it
    /// ([`crate::tls`]).
    /// Without credentials (`None`), plaintext, as before.
    pub fn tls(mut self, credentials: impl Into<Option<Credentials>>) -> MicroClient {
        self.channels = Channels::new(credentials.into());
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
    /// makes the call on it. A method the client cannot name is never idempotent: tried on
    /// other nodes only while it [`cannot_have_run`], within the deadline. The node that
    /// answered, and the answer.
    pub async fn call<T, F, Fut>(&self, service: &str, request: F) -> Result<(Node, T), Status>
    where
        F: FnMut(Channel) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        self.call_as(service, None, request).await
    }

    /// [`call`](Self::call) of `method` (`Handler.Method`): if the caller or every node of
    /// the service declares it idempotent, a try that gets no answer within the per-try
    /// timeout, or whose connection breaks, is tried on another node too, and may be hedged.
    pub async fn call_method<T, F, Fut>(
        &self,
        service: &str,
        method: &str,
        request: F,
    ) -> Result<(Node, T), Status>
    where
        F: FnMut(Channel) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        self.call_as(service, Some(method), request).await
    }

    async fn call_as<T, F, Fut>(
        &self,
        service: &str,
        method: Option<&str>,
        mut request: F,
    ) -> Result<(Node, T), Status>
    where
        F: FnMut(Channel) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let deadline = tokio::time::Instant::now() + self.tries.policy.deadline;
        let nodes = tokio::time::timeout_at(deadline, self.nodes(service))
            .await
            .map_err(|_| {
                Status::deadline_exceeded(format!(
                    "the registry gave no nodes of {service} in time"
                ))
            })?
            .map_err(|error| Status::unavailable(format!("{error:#}")))?;
        let selector = self.selector.as_ref();
        self.tries
            .call(
                service,
                method,
                nodes,
                selector,
                deadline,
                |node, _until| {
                    let sent = self.channels.get(service, &node).map(&mut request);
                    async move { sent?.await }
                },
            )
            .await
    }

    /// `hello.Greeter/SayHello` ([`SAY_HELLO`]) on a node of `service`; the node that
    /// answered, and the reply.
    pub async fn say_hello(&self, service: &str, name: &str) -> Result<(Node, String), Status> {
        let (node, reply) = self
            .call_as(service, Some(SAY_HELLO), |channel| {
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

/// The greeter's SayHello as an endpoint is named: `Handler.Method`.
pub const SAY_HELLO: &str = "Greeter.SayHello";

/// How often a connection with a call in flight is pinged, and how long a ping may go
/// unanswered.
pub const KEEPALIVE: Duration = Duration::from_secs(1);

/// One lazily connected channel per node, reused across calls. An address that is not
/// `host:port` (anyone can write into a registry) makes that node unreachable:
/// `Unavailable`, and the call goes to another. Anyone can also register any number of
/// addresses: past [`Channels::MOST`] the cache starts again empty. With credentials
/// ([`Channels::new`]) every channel is mutual TLS, and a node that does not say it speaks
/// TLS is not called at all ([`crate::tls`]).
#[derive(Default)]
pub struct Channels {
    open: Mutex<HashMap<String, Channel>>,
    tls: Option<Credentials>,
}

impl Channels {
    /// The most channels kept at once.
    pub const MOST: usize = 256;

    /// Channels that speak mutual TLS with `credentials`, to nodes that serve it; plaintext
    /// without.
    pub fn new(tls: Option<Credentials>) -> Channels {
        Channels {
            open: Mutex::default(),
            tls,
        }
    }

    // ANCHOR: channel
    /// The channel to `node` of `service`, made on first use (it connects on its first
    /// call), or why this client will not call that node.
    pub fn get(&self, service: &str, node: &Node) -> Result<Channel, Status> {
        let address = &node.address;
        let (key, tls) = match (&self.tls, crate::tls::is_secure(node)) {
            (None, false) => (format!("http://{address}"), None),
            (Some(credentials), true) => (
                format!("https://{service}@{address}"),
                Some(credentials.client(service)),
            ),
            (None, true) => {
                return Err(wire::not_sent(
                    "it speaks TLS only, and this client has no certificate",
                ));
            }
            (Some(_), false) => {
                return Err(wire::not_sent(
                    "it does not say it speaks TLS, and this client calls only nodes that \
                     show a certificate",
                ));
            }
        };
        let mut channels = crate::locks::lock(&self.open);
        if let Some(channel) = channels.get(&key) {
            return Ok(channel.clone());
        }
        let scheme = if tls.is_some() { "https" } else { "http" };
        let not_an_address = |error: tonic::transport::Error| {
            wire::not_sent(format!("{address:?} is not an address to call: {error}"))
        };
        let mut endpoint =
            Endpoint::from_shared(format!("{scheme}://{address}")).map_err(not_an_address)?;
        if let Some(tls) = tls {
            endpoint = endpoint.tls_config(tls).map_err(|error| {
                wire::not_sent(format!("this client's certificate cannot be used: {error}"))
            })?;
        }
        // ANCHOR_END: channel
        // While a call waits on a connection, a ping every second, and a connection whose
        // peer does not answer one within a second is closed: a node cut off by the network
        // is noticed in two seconds, not when the kernel gives up on TCP. Not while idle: a
        // grpc-go server (go-micro's) says GOAWAY to a client that pings an idle connection
        // more often than every five minutes.
        let channel = endpoint
            .connect_timeout(Duration::from_secs(1))
            .http2_keep_alive_interval(KEEPALIVE)
            .keep_alive_timeout(KEEPALIVE)
            .keep_alive_while_idle(false)
            .connect_lazy();
        if channels.len() >= Self::MOST {
            channels.clear();
        }
        channels.insert(key, channel.clone());
        Ok(channel)
    }
}

// ANCHOR: connection_failure
/// What a failure of the call on `node` means to the caller. A gRPC status the service sent
/// is its answer, as it is. But tonic also reports what went wrong with the connection as a
/// status, with codes that say little about the node (`Internal: h2 protocol error` for a
/// peer that is no HTTP/2 server, `Cancelled` for a request never sent, `Unavailable` for a
/// refused connection and for pings unanswered alike). They become:
///
/// - `Unavailable`, naming the node, when the call never left ([`wire::never_ran`]): that
///   node cannot serve calls now, and any call may go to another;
/// - `Unknown`, naming the node, when it did: the connection broke, or went silent, after
///   the request left, so the call may have run — never `Unavailable`, which a caller
///   following gRPC's rules would send again;
/// - `DeadlineExceeded` when a deadline set on the request passed with it out.
pub fn connection_failure(status: Status, node: &Node) -> Status {
    if wire::timed_out(&status) {
        return Status::deadline_exceeded(format!(
            "{} at {} gave no answer within the deadline",
            node.id, node.address
        ));
    }
    if wire::never_ran(&status) {
        wire::not_sent(format!(
            "{} at {} could not be called: {}",
            node.id,
            node.address,
            status.message()
        ))
    } else if wire::from_the_connection(&status) {
        Status::unknown(format!(
            "the connection to {} at {} failed after the call was sent, which may have run: {}",
            node.id,
            node.address,
            status.message()
        ))
    } else {
        status
    }
}
// ANCHOR_END: connection_failure

// ANCHOR: verdict
/// A try's failure as the caller sees it ([`connection_failure`]), and what the wire says
/// of it ([`wire::verdict`]).
pub fn judge(status: Status, node: &Node) -> (Status, Verdict) {
    let verdict = wire::verdict(&status);
    (connection_failure(status, node), verdict)
}
// ANCHOR_END: verdict
