//! The mDNS tests' helpers: the lesson's binary announced over mDNS, a registry that watches
//! it, and a bare responder that answers with what the registry itself would never write.

use std::time::Duration;

use std::net::Ipv4Addr;

use micro::registry::mdns::responder::Responder;
use micro::registry::mdns::wire::Announced;
use micro::registry::mdns::{MdnsRegistry, socket};
use micro::registry::{Node, Nodes};
use testkit::{ServerProcess, within};

use super::BINARY;

/// How often a watching client checks that its nodes still answer, where a test waits for
/// a killed node to go.
pub const SHORT_TTL: Duration = Duration::from_secs(1);

/// A watcher that checks so rarely that only a goodbye can make a node go during a test.
pub const LONG_TTL: Duration = Duration::from_secs(600);

pub fn run(test: impl std::future::Future<Output = ()>) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(test);
}

pub fn registry(ttl: Duration) -> MdnsRegistry {
    MdnsRegistry::new(None, ttl).expect("an mDNS registry")
}

/// A greeter of the lesson's binary, announced over mDNS.
pub async fn server(name: &str) -> ServerProcess {
    let args = [
        "--registry",
        "mdns",
        "server",
        "--addr",
        "127.0.0.1:0",
        "--name",
        name,
    ];
    let server = ServerProcess::start(BINARY, &args, 1).await;
    server.logged("registered").await;
    server
}

pub fn node_id(name: &str, server: &ServerProcess) -> String {
    format!("{name}-127.0.0.1-{}", server.addr().port())
}

pub async fn until(nodes: &mut Nodes, what: &str, done: impl FnMut(&Vec<Node>) -> bool) {
    within(what, nodes.wait_for(done))
        .await
        .unwrap_or_else(|_| panic!("the watch stopped while waiting for {what}"));
}

pub fn ids(nodes: &[Node]) -> Vec<&str> {
    nodes.iter().map(|node| node.id.as_str()).collect()
}

/// A bare responder on loopback, to answer with what the registry would never write.
pub fn bare_daemon() -> Responder {
    Responder::start(socket::group(Ipv4Addr::LOCALHOST).expect("a socket on 5353"))
}

/// Has `bare` answer for a node `instance` of `service` on `port`, whose TXT record holds
/// `strings`.
pub fn announce(bare: &Responder, service: &str, instance: &str, strings: &[String], port: u16) {
    bare.add(Announced {
        service: service.to_string(),
        id: instance.to_string(),
        host: "bare.local".to_string(),
        ip: Ipv4Addr::LOCALHOST,
        port,
        txt: strings.to_vec(),
    });
}
