//! What the framework's tests share: unique names, Greeter nodes on free ports, a dead
//! address, nodes that misbehave, a link to cut, go-micro's records. Lesson 11 checks its
//! exercises and its program with the same helpers, from here (its support module names
//! this folder): one home for them, beside the framework they test. Nothing here runs a
//! lesson's program, so that a test of the library alone waits for no program's build.
#![allow(dead_code)] // each test file uses only some of these

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use micro::registry::{Node, Registry};
use micro::service::{ArrivedAt, NodeGreeter};
use proto::hello::greeter_server::GreeterServer;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::service::InterceptorLayer;

/// A service name no other test uses, even in a registry shared between test runs.
pub fn unique_service(what: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{what}-{}-{n}", std::process::id())
}

/// `micro api` on a free loopback port in front of `registry`, told `options`, serving
/// until the test ends; its address.
pub async fn api(registry: Arc<dyn Registry>, options: micro::api::Options) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(micro::api::serve(
        listener,
        registry,
        options,
        std::future::pending(),
    ));
    address
}

/// The longest a fake peer (a misbehaving node, a cut link, a tap in front of Redis) keeps
/// a connection: as long as a test may run (nextest ends one after two minutes). A peer's
/// connection ends when its caller closes it; the peer that holds one open on purpose (silent,
/// cut, an answer swallowed) lets go by then, so that it never outlives its test, whatever
/// runs the test and however the test ends.
pub const PEER_LIFETIME: Duration = Duration::from_secs(120);

/// A node description (nothing listens behind it).
pub fn node(id: &str, address: &str) -> Node {
    Node {
        id: id.to_string(),
        address: address.to_string(),
        version: "1.0.0".to_string(),
        metadata: micro::registry::grpc_metadata(),
        endpoints: Vec::new(),
    }
}

/// A Greeter that answers `Hello NAME from ID` on a free loopback port, until dropped.
pub struct Greeter {
    pub node: Node,
    _stop: oneshot::Sender<()>,
}

impl Greeter {
    pub async fn start(id: &str) -> Greeter {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let node = node(id, &addr.to_string());
        let serving = shared::grpc::builder()
            .layer(InterceptorLayer::new(ArrivedAt(node.clone())))
            .add_service(GreeterServer::new(NodeGreeter))
            .serve_with_incoming_shutdown(shared::grpc::incoming(listener), async {
                let _ = stopped.await;
            });
        tokio::spawn(serving);
        Greeter { node, _stop: stop }
    }
}

/// An address where nothing listens (a port that was free a moment ago).
pub fn dead_address() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    drop(listener);
    addr.to_string()
}

/// How many calls each node id answered.
pub fn tally<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for id in ids {
        *counts.entry(id.to_string()).or_insert(0) += 1;
    }
    counts
}

pub mod counting;
pub mod go_micro;
pub mod link;
pub mod misbehaving;

/// A live gRPC server that does not serve hello.Greeter (only health): every Greeter call
/// answers `Unimplemented`. Counts the calls that reach it, until dropped.
pub struct NoGreeter {
    pub node: Node,
    pub calls: std::sync::Arc<AtomicUsize>,
    _stop: oneshot::Sender<()>,
}

impl NoGreeter {
    pub async fn start(id: &str) -> NoGreeter {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let count = move |request: tonic::Request<()>| {
            counted.fetch_add(1, Ordering::Relaxed);
            Ok(request)
        };
        let (_health, health) = tonic_health::server::health_reporter();
        let serving = shared::grpc::builder()
            .layer(InterceptorLayer::new(count))
            .add_service(health)
            .serve_with_incoming_shutdown(shared::grpc::incoming(listener), async {
                let _ = stopped.await;
            });
        tokio::spawn(serving);
        NoGreeter {
            node: node(id, &addr.to_string()),
            calls,
            _stop: stop,
        }
    }
}

/// Runs one etcd request until it succeeds, within testkit's patience: a loaded machine may
/// see the test cluster electing a leader now and then (its timings are fast).
pub async fn etcd_until_ok<T, F, Fut>(what: &str, mut request: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, etcd_client::Error>>,
{
    testkit::within(what, async {
        loop {
            match request().await {
                Ok(answer) => return answer,
                Err(error) => eprintln!("{what}: {error}; asking again"),
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    })
    .await
}

/// How many calls a hostile-input test makes: 12, or `HOSTILE_CALLS` for a long run
/// (`HOSTILE_CALLS=5000 cargo test -p micro --test main bad_nodes`).
pub fn hostile_calls() -> usize {
    std::env::var("HOSTILE_CALLS")
        .ok()
        .and_then(|calls| calls.parse().ok())
        .unwrap_or(12)
}
