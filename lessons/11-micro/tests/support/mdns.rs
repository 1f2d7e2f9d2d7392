//! The mDNS tests' helpers: the lesson's binary announced over mDNS, a registry that watches
//! it, and a bare daemon that announces what the registry itself would never write.

use std::time::Duration;

use mdns_sd::{IfKind, ServiceDaemon, ServiceInfo, TxtProperty};
use micro::registry::mdns::{MdnsRegistry, SERVICE_TYPE};
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

/// A bare mDNS daemon on loopback, to announce what the registry would never write.
pub fn bare_daemon() -> ServiceDaemon {
    let daemon = ServiceDaemon::new().expect("an mDNS daemon");
    daemon.disable_interface(IfKind::IPv6).unwrap();
    daemon.enable_interface(IfKind::LoopbackV4).unwrap();
    daemon
}

pub fn announce(daemon: &ServiceDaemon, instance: &str, strings: &[String], port: u16) {
    let txt: Vec<TxtProperty> = strings.iter().map(|s| s.as_str().into()).collect();
    let info = ServiceInfo::new(
        SERVICE_TYPE,
        instance,
        "bare.local.",
        "127.0.0.1",
        port,
        txt,
    )
    .expect("a service info");
    daemon.register(info).expect("announce");
}
