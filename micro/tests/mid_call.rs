//! The framework's client: a node that dies in the middle of a call of a method declared
//! idempotent, or that the registry lists under an address that is not one, costs no failed
//! call.

use std::sync::Arc;

use crate::support::misbehaving::{Misbehaving, Misbehaviour};
use crate::support::{Greeter, node, unique_service};
use micro::client::{MicroClient, SAY_HELLO};
use micro::registry::Registry;
use micro::registry::memory::MemoryRegistry;
use micro::selector::RoundRobin;
use testkit::within;

#[tokio::test]
async fn a_node_that_dies_mid_call_is_retried_elsewhere() {
    let service = unique_service("mid-call");
    let registry = MemoryRegistry::default();
    let dying = Misbehaving::start("dying", Misbehaviour::DiesMidCall).await;
    let alive = Greeter::start("alive").await;
    registry.register(&service, &dying.node).await.unwrap();
    registry.register(&service, &alive.node).await.unwrap();
    let client =
        MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default())).idempotent(SAY_HELLO);
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
