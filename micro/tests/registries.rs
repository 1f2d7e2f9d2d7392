//! The same checks for every registry: memory, Consul (an agent from testkit) and etcd (a
//! private three-member cluster from testkit).

use std::sync::Arc;
use std::time::Duration;

use crate::support::{node, unique_service};
use micro::registry::consul::ConsulRegistry;
use micro::registry::etcd::EtcdRegistry;
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry};
use testkit::within;

const TTL: Duration = Duration::from_secs(2);

/// Register, list, watch, deregister: what the service and the client rely on.
async fn behaves_like_a_registry(registry: Arc<dyn Registry>) {
    let service = unique_service("trait");
    // A node that declares a method idempotent: its endpoints must come back too.
    let mut a = node(&format!("{service}-a"), "127.0.0.1:40001");
    a.endpoints = micro::registry::idempotent_endpoints(&["Say.Hello".to_string()]);
    // A node as go-micro's HTTP broker registers a subscriber: its metadata and version
    // must come back as they went in.
    let mut b = node(&format!("{service}-b"), "127.0.0.1:40002");
    b.version = "ff.http.broadcast".to_string();
    b.metadata = [
        ("broker", "http"),
        ("topic", "go.micro.srv.t1"),
        ("secure", "false"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value.to_string()))
    .collect();
    let what = registry.describe();

    let mut nodes = within("watch", registry.watch(&service)).await.unwrap();
    assert_eq!(
        *nodes.borrow_and_update(),
        Vec::<Node>::new(),
        "{what}: nothing registered yet"
    );

    within("register a", registry.register(&service, &a))
        .await
        .unwrap();
    within("register b", registry.register(&service, &b))
        .await
        .unwrap();
    let both = vec![a.clone(), b.clone()];
    assert_eq!(
        within("get_service", registry.get_service(&service))
            .await
            .unwrap(),
        both,
        "{what}"
    );
    let services = within("list_services", registry.list_services())
        .await
        .unwrap();
    assert!(
        services.contains(&service),
        "{what}: {service} not in {services:?}"
    );
    within(
        "the watch to see both",
        nodes.wait_for(|nodes| *nodes == both),
    )
    .await
    .unwrap();

    within("deregister a", registry.deregister(&service, &a))
        .await
        .unwrap();
    within(
        "the watch to see a leave",
        nodes.wait_for(|nodes| *nodes == [b.clone()]),
    )
    .await
    .unwrap();
    assert_eq!(
        within("get_service", registry.get_service(&service))
            .await
            .unwrap(),
        vec![b.clone()],
        "{what}"
    );

    within("deregister b", registry.deregister(&service, &b))
        .await
        .unwrap();
    within("the watch to see b leave", nodes.wait_for(Vec::is_empty))
        .await
        .unwrap();
    let services = within("list_services", registry.list_services())
        .await
        .unwrap();
    assert!(
        !services.contains(&service),
        "{what}: {service} still in {services:?}"
    );
}

#[tokio::test]
async fn memory() {
    behaves_like_a_registry(Arc::new(MemoryRegistry::new())).await;
}

#[tokio::test]
async fn consul() {
    let agent = testkit::consul().await;
    behaves_like_a_registry(Arc::new(ConsulRegistry::new(agent.url(), TTL).unwrap())).await;
}

#[tokio::test]
async fn etcd() {
    let cluster = testkit::etcd_cluster(3).await;
    let registry = EtcdRegistry::connect(&cluster.endpoints(), TTL)
        .await
        .unwrap();
    behaves_like_a_registry(Arc::new(registry)).await;
}

#[tokio::test]
async fn etcd_down_is_a_clear_error() {
    let endpoints = [
        crate::support::dead_address(),
        crate::support::dead_address(),
    ];
    let registry = EtcdRegistry::connect(&endpoints, TTL).await.unwrap();
    let error = within(
        "register on a dead cluster",
        registry.register("svc", &node("n", "127.0.0.1:1")),
    )
    .await
    .expect_err("nothing answers");
    assert!(
        format!("{error:#}").contains(&endpoints[0]),
        "the error names the endpoints: {error:#}"
    );
}

#[tokio::test]
async fn consul_down_is_a_clear_error() {
    let address = crate::support::dead_address();
    let registry = ConsulRegistry::new(&address, TTL).unwrap();
    let error = within(
        "register on a dead agent",
        registry.register("svc", &node("n", "127.0.0.1:1")),
    )
    .await
    .expect_err("nothing answers");
    assert!(
        format!("{error:#}").contains(&address),
        "the error names the agent: {error:#}"
    );
}
