//! Exercise `register.check-kinds`: `cargo test -p l06-register --test check_kinds`.
//!
//! Each kind of check, registered with a real agent, turns passing against a real server,
//! and is the kind it says it is; a check aimed at what is not there stays critical.

mod support;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use consul_ext::CheckStatus;
use l06_register::exercises::check_kinds::{CheckKind, check_for};
use testkit::within;

const INTERVAL: Duration = Duration::from_secs(1);

/// Registers an instance on `port` with the check of `kind`, and returns its ID.
async fn register(
    client: &consulrs::client::ConsulClient,
    name: &str,
    port: u16,
    kind: &CheckKind,
) -> String {
    let id = format!("{name}-{port}");
    let check = check_for(kind, "localhost", port, INTERVAL);
    support::register(client, name, &id, port, check).await;
    id
}

#[tokio::test]
async fn a_tcp_check_passes_while_the_port_is_open() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("tcp");
    let (_listener, addr) = support::listener().await;
    let id = register(&client, &name, addr.port(), &CheckKind::Tcp).await;

    let check = support::wait_for_check(agent.url(), &name, &id, CheckStatus::Passing).await;
    assert_eq!(check.kind, "tcp", "a TCP check, not {:?}", check.kind);
    support::deregister(&client, &id).await;
}

#[tokio::test]
async fn an_http_check_gets_the_path_it_names() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("http");
    let (listener, addr) = support::listener().await;
    let app = Router::new().route("/healthz", get(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let good = register(
        &client,
        &name,
        addr.port(),
        &CheckKind::Http {
            path: "/healthz".into(),
        },
    )
    .await;
    let check = support::wait_for_check(agent.url(), &name, &good, CheckStatus::Passing).await;
    assert_eq!(check.kind, "http", "an HTTP check, not {:?}", check.kind);

    // The same server, a path it does not serve: 404 is critical.
    let wrong_path = format!("{name}-missing");
    let missing = check_for(
        &CheckKind::Http {
            path: "/missing".into(),
        },
        "localhost",
        addr.port(),
        INTERVAL,
    );
    support::register(&client, &name, &wrong_path, addr.port(), missing).await;
    support::wait_for_probe_saying(
        agent.url(),
        &name,
        &wrong_path,
        CheckStatus::Critical,
        "404",
    )
    .await;

    support::deregister(&client, &good).await;
    support::deregister(&client, &wrong_path).await;
}

#[tokio::test]
async fn a_grpc_check_asks_about_one_service() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("grpc");
    let (listener, addr) = support::listener().await;
    tokio::spawn(shared::grpc::serve(listener, std::future::pending()));

    let greeter = CheckKind::Grpc {
        service: "hello.Greeter".into(),
    };
    let id = register(&client, &name, addr.port(), &greeter).await;
    let check = support::wait_for_check(agent.url(), &name, &id, CheckStatus::Passing).await;
    assert_eq!(check.kind, "grpc", "a gRPC check, not {:?}", check.kind);

    // The same server does not serve `no.Such`: its health service answers NotFound.
    let other = format!("{name}-no-such");
    let no_such = check_for(
        &CheckKind::Grpc {
            service: "no.Such".into(),
        },
        "localhost",
        addr.port(),
        INTERVAL,
    );
    support::register(&client, &name, &other, addr.port(), no_such).await;
    let check = support::wait_for_probed(agent.url(), &name, &other, CheckStatus::Critical).await;
    assert!(
        !check.output.is_empty(),
        "the probe of no.Such should have run and said why it failed"
    );

    support::deregister(&client, &id).await;
    support::deregister(&client, &other).await;
}

#[tokio::test]
async fn a_ttl_check_passes_only_when_told() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("ttl");
    let id = register(
        &client,
        &name,
        1,
        &CheckKind::Ttl {
            ttl: Duration::from_secs(30),
        },
    )
    .await;

    // Critical until the program says otherwise: nothing is probed.
    let check = support::wait_for_check(agent.url(), &name, &id, CheckStatus::Critical).await;
    assert_eq!(check.kind, "ttl", "a TTL check, not {:?}", check.kind);

    within(
        "the agent to take a TTL pass",
        consulrs::check::pass(&client, &check.check_id, None),
    )
    .await
    .expect("PUT /v1/agent/check/pass");
    support::wait_for_check(agent.url(), &name, &id, CheckStatus::Passing).await;
    support::deregister(&client, &id).await;
}
