//! go-micro's default broker: no broker at all, every subscriber is a small web server.
//!
//! go-micro v2's HTTP broker (`broker/http.go` at tag v2.9.1, commit 94bd1025) has no server
//! of its own. A subscriber listens for HTTP and writes itself down in the *registry*, as a
//! node of the service [`SERVICE`] whose metadata says `broker=http` and names its topic,
//! and whose version is its queue group, or [`BROADCAST_VERSION`] when it has none
//! (`Subscribe`, lines 640–694). A publisher looks that service up, keeps the nodes of its
//! topic, and POSTs the encoded message to every broadcast node and to one node of each
//! queue group (`Publish`, lines 539–637), at `http://<address>/?id=<node id>`.
//!
//! So a message lives only as long as one HTTP request: a subscriber that is down when it
//! is sent never gets it. (go-micro keeps up to 64 failed messages in the publisher's memory
//! and tries them again with its next publish to the same topic; this broker says what it
//! could not deliver and drops it.)

mod endpoint;
mod in_flight;
// The exercise `events.route` rebuilds this module, and is answered by it (`--features solution`).
pub mod route;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};

use crate::locks::{lock, write};
use std::time::{Duration, Instant};

use crate::registry::{Node, Registry};
use anyhow::Context;
use futures::FutureExt;
use futures::future::BoxFuture;
use shared::grpc::SHUTDOWN_GRACE;
use tokio::sync::OnceCell;
use tracing::{info, warn};

use crate::broker::http::in_flight::Subscriber;
use crate::broker::http::route::targets;
use crate::broker::{
    Broker, Handler, MAX_MESSAGE_BYTES, Message, SubscribeOptions, Subscription, TOPIC_HEADER,
};

/// The service every subscriber registers as (`serviceName`, line 70). go-micro v1 and
/// v2 before v2.5 called it `go.micro.http.broker`.
pub const SERVICE: &str = "micro.http.broker";

/// The version of a subscriber in no queue group: every such node gets every message
/// (`broadcastVersion`, line 71).
pub const BROADCAST_VERSION: &str = "ff.http.broadcast";

/// How long one POST to a subscriber may take, its handler included.
pub const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a publisher keeps the registry's answer. go-micro keeps it a minute; a new
/// subscriber is then missed for up to that long, a gone one tried for up to that long.
pub const CACHE_FOR: Duration = Duration::from_secs(1);

/// The subscriptions this process serves, by node id.
type Subscribers = Arc<RwLock<HashMap<String, Arc<Subscriber>>>>;

/// The HTTP broker, on lesson 11's registry.
pub struct HttpBroker {
    registry: Arc<dyn Registry>,
    /// Where subscribers listen (`127.0.0.1:0`: any free port).
    listen: String,
    /// The address subscribers register instead of the one they listen on, if any.
    advertise: Option<SocketAddr>,
    client: reqwest::Client,
    subscribers: Subscribers,
    /// This process's endpoint, once the first subscription started it.
    endpoint: OnceCell<endpoint::Endpoint>,
    /// The registry's last answer, and when it came (go-micro's `registry/cache`).
    cache: Mutex<Option<(Instant, Vec<Node>)>>,
}

impl HttpBroker {
    /// A broker that finds subscribers in `registry`; its own subscribers listen on `listen`.
    pub fn new(registry: Arc<dyn Registry>, listen: &str) -> anyhow::Result<HttpBroker> {
        let client = reqwest::Client::builder()
            .timeout(POST_TIMEOUT)
            .build()
            .context("cannot make an HTTP client")?;
        Ok(HttpBroker {
            registry,
            listen: listen.to_string(),
            advertise: None,
            client,
            subscribers: Subscribers::default(),
            endpoint: OnceCell::new(),
            cache: Mutex::new(None),
        })
    }

    /// Subscribers register `address` instead of the one they listen on (go-micro's
    /// `--server_advertise`): the address of a proxy in front of them, say the wire view's
    /// relay, through which publishers then reach them.
    pub fn advertise(mut self, address: &str) -> anyhow::Result<HttpBroker> {
        let address = address
            .parse()
            .with_context(|| format!("{address:?} is not an IP address and a port"))?;
        self.advertise = Some(address);
        Ok(self)
    }

    /// Starts the endpoint on the first call; its address on every call.
    async fn endpoint(&self) -> anyhow::Result<SocketAddr> {
        let endpoint = self
            .endpoint
            .get_or_try_init(|| endpoint::start(&self.listen, self.subscribers.clone()))
            .await?;
        Ok(endpoint.addr)
    }

    /// The subscribers of every topic: the registry's answer, asked again once it is
    /// [`CACHE_FOR`] old.
    async fn subscribers(&self) -> anyhow::Result<Vec<Node>> {
        if let Some((at, nodes)) = &*lock(&self.cache)
            && at.elapsed() < CACHE_FOR
        {
            return Ok(nodes.clone());
        }
        let nodes = self.registry.get_service(SERVICE).await?;
        *lock(&self.cache) = Some((Instant::now(), nodes.clone()));
        Ok(nodes)
    }

    /// POSTs `body` to `node`, as go-micro's `pub` does (lines 566–584).
    async fn post(&self, node: &Node, body: Vec<u8>) -> anyhow::Result<()> {
        anyhow::ensure!(
            node.metadata.get("secure").map(String::as_str) != Some("true"),
            "{} wants HTTPS, which this broker does not speak",
            node.id
        );
        let mut url = reqwest::Url::parse(&format!("http://{}/", node.address))
            .with_context(|| format!("{} has a bad address {:?}", node.id, node.address))?;
        url.query_pairs_mut().append_pair("id", &node.id);
        let answer = self
            .client
            .post(url)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|error| {
                // reqwest's error wraps hyper's, which wraps the socket's: say the last.
                let mut cause: &dyn std::error::Error = &error;
                while let Some(next) = cause.source() {
                    cause = next;
                }
                anyhow::anyhow!("{} at {}: {cause}", node.id, node.address)
            })?;
        let status = answer.status();
        if !status.is_success() {
            let text = answer.text().await.unwrap_or_default();
            let text: String = text.chars().take(200).collect();
            anyhow::bail!("{} at {} answered {status}: {text}", node.id, node.address);
        }
        Ok(())
    }
}

/// The node a subscription registers (go-micro's `Subscribe`, lines 664–687).
pub fn subscriber_node(topic: &str, queue: Option<&str>, address: SocketAddr) -> Node {
    Node {
        id: format!("{topic}-{}", uuid::Uuid::new_v4()),
        address: address.to_string(),
        version: queue.unwrap_or(BROADCAST_VERSION).to_string(),
        metadata: BTreeMap::from([
            ("broker".to_string(), "http".to_string()),
            ("secure".to_string(), "false".to_string()),
            ("topic".to_string(), topic.to_string()),
        ]),
        endpoints: Vec::new(),
    }
}

impl Broker for HttpBroker {
    // ANCHOR: publish
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        message: &'a Message,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        async move {
            let mut message = message.clone();
            message
                .header
                .insert(TOPIC_HEADER.to_string(), topic.to_string());
            let body = message.encode();
            anyhow::ensure!(
                body.len() <= MAX_MESSAGE_BYTES,
                "a message of {} bytes is over the limit of {MAX_MESSAGE_BYTES}",
                body.len()
            );
            let nodes = self.subscribers().await?;
            let chosen = targets(&nodes, topic);
            // go-micro says "service not found" when no subscriber is registered at all;
            // here a publish that reaches nobody is an error, whatever the other topics have.
            anyhow::ensure!(!chosen.is_empty(), "no subscriber of {topic} is registered");
            // Every chosen node at once; one that is gone does not hold up the others.
            let posts = chosen.iter().map(|node| self.post(node, body.clone()));
            let failed: Vec<String> = futures::future::join_all(posts)
                .await
                .into_iter()
                .filter_map(|result| result.err().map(|error| format!("{error:#}")))
                .collect();
            anyhow::ensure!(
                failed.is_empty(),
                "{topic}: lost for {} of {} subscriber(s): {}",
                failed.len(),
                chosen.len(),
                failed.join("; ")
            );
            Ok(())
        }
        .boxed()
    }
    // ANCHOR_END: publish

    // ANCHOR: subscribe
    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: Handler,
    ) -> BoxFuture<'a, anyhow::Result<Box<dyn Subscription>>> {
        async move {
            let listening = self.endpoint().await?;
            let address = self.advertise.unwrap_or(listening);
            let node = subscriber_node(topic, options.queue.as_deref(), address);
            let subscriber = Subscriber::new(topic, handler);
            write(&self.subscribers).insert(node.id.clone(), subscriber.clone());
            if let Err(error) = self.registry.register(SERVICE, &node).await {
                write(&self.subscribers).remove(&node.id);
                return Err(error);
            }
            info!(
                "subscribed to {topic} as {} ({}), listening on {listening}",
                node.id, node.version
            );
            if address != listening {
                info!("registered as {address} (--advertise)");
            }
            let subscription = HttpSubscription {
                topic: topic.to_string(),
                node,
                registry: self.registry.clone(),
                subscribers: self.subscribers.clone(),
                subscriber,
            };
            Ok(Box::new(subscription) as Box<dyn Subscription>)
        }
        .boxed()
    }
    // ANCHOR_END: subscribe

    fn describe(&self) -> String {
        format!("http on {}", self.registry.describe())
    }

    /// Closes the endpoint gracefully: each message it is handling is answered first.
    fn disconnect(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        async move {
            if let Some(endpoint) = self.endpoint.get() {
                endpoint.close().await;
            }
            Ok(())
        }
        .boxed()
    }
}

/// One subscription: a node in the registry, and a handler in this process's endpoint.
struct HttpSubscription {
    topic: String,
    node: Node,
    registry: Arc<dyn Registry>,
    subscribers: Subscribers,
    /// Its handler and its deliveries in flight.
    subscriber: Arc<Subscriber>,
}

impl Subscription for HttpSubscription {
    fn topic(&self) -> &str {
        &self.topic
    }

    // ANCHOR: unsubscribe
    /// Leaves in lesson 08's order: out of the registry, then the messages in flight are
    /// finished, then the handler is forgotten.
    fn unsubscribe(self: Box<Self>) -> BoxFuture<'static, anyhow::Result<()>> {
        async move {
            // 1. Out of the registry, so that publishers stop choosing this node (one that
            //    asked the registry before may still POST for up to CACHE_FOR: a 404 then,
            //    which it counts as lost).
            let left = self.registry.deregister(SERVICE, &self.node).await;
            // 2. No new delivery begins; each one in flight (its headers in, its body maybe
            //    not) is read to the end, handled once and answered, within the grace.
            let in_flight = self.subscriber.stop_taking();
            if in_flight > 0 {
                info!(
                    "{}: finishing {in_flight} message(s) in flight (up to {SHUTDOWN_GRACE:?})",
                    self.topic
                );
            }
            let cut_off = self.subscriber.finish(SHUTDOWN_GRACE).await;
            if cut_off > 0 {
                warn!(
                    "{}: {cut_off} message(s) still arriving are refused",
                    self.topic
                );
            }
            // 3. Only now is the subscription forgotten.
            write(&self.subscribers).remove(&self.node.id);
            left
        }
        .boxed()
    }
    // ANCHOR_END: unsubscribe
}
