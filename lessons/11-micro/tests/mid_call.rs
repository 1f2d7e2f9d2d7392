//! The framework's client: a node that dies in the middle of a call, or that the registry
//! lists under an address that is not one, costs no failed call.

mod support;

use std::sync::Arc;

use l11_micro::client::MicroClient;
use l11_micro::registry::Registry;
use l11_micro::registry::memory::MemoryRegistry;
use l11_micro::selector::RoundRobin;
use support::{Greeter, node, unique_service};
use testkit::within;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// A node that takes each connection, reads what the caller sends, and drops it unanswered
/// with the bytes unread: the caller's connection is reset in the middle of its call, as
/// when a node is killed while it works.
async fn node_that_dies_mid_call() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut some = [0; 16];
            let _ = stream.read(&mut some).await;
            drop(stream);
        }
    });
    address
}

#[tokio::test]
async fn a_node_that_dies_mid_call_is_retried_elsewhere() {
    let service = unique_service("mid-call");
    let registry = MemoryRegistry::default();
    let dying = node("dying", &node_that_dies_mid_call().await);
    let alive = Greeter::start("alive").await;
    registry.register(&service, &dying).await.unwrap();
    registry.register(&service, &alive.node).await.unwrap();
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()));
    for n in 0..6 {
        let (answered, _) = within("a call", client.say_hello(&service, "Ada"))
            .await
            .unwrap_or_else(|status| panic!("call {n} failed: {status:?}"));
        assert_eq!(answered.id, "alive");
    }
}

#[tokio::test]
async fn a_node_listed_with_a_broken_address_is_skipped() {
    let service = unique_service("broken-address");
    let registry = MemoryRegistry::default();
    let alive = Greeter::start("alive").await;
    registry
        .register(&service, &node("broken", "not an address"))
        .await
        .unwrap();
    registry.register(&service, &alive.node).await.unwrap();
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()));
    for n in 0..4 {
        let (answered, _) = within("a call", client.say_hello(&service, "Ada"))
            .await
            .unwrap_or_else(|status| panic!("call {n} failed: {status:?}"));
        assert_eq!(answered.id, "alive");
    }
}
