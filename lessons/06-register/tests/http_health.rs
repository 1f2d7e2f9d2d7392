//! Exercise `register.http-health`: `cargo test -p l06-register --test http_health`.
//!
//! The endpoint answers 200, 429 and 503 as the service's condition changes, and a real
//! agent's HTTP check turns passing, warning and critical with it.

mod support;

use consul_ext::CheckStatus;
use consulrs::api::check::common::AgentServiceCheckBuilder;
use l06_register::exercises::http_health::{Condition, HEALTH_PATH, health_router};
use testkit::within;
use tokio::sync::watch;

/// Serves the learner's router on a free port; returns the sender and the port.
async fn serve_health() -> (watch::Sender<Condition>, u16) {
    let (condition, updates) = watch::channel(Condition::Serving);
    let app = health_router(updates);
    let (listener, addr) = support::listener().await;
    tokio::spawn(async move { axum::serve(listener, app).await });
    (condition, addr.port())
}

async fn status_of(port: u16) -> u16 {
    let url = format!("http://127.0.0.1:{port}{HEALTH_PATH}");
    let response = within("the health endpoint's answer", reqwest::get(&url))
        .await
        .expect("GET the health endpoint");
    response.status().as_u16()
}

#[tokio::test]
async fn the_endpoint_answers_from_the_condition() {
    let (condition, port) = serve_health().await;
    for (now, expected) in [
        (Condition::Serving, 200),
        (Condition::Overloaded, 429),
        (Condition::Down, 503),
        (Condition::Serving, 200),
    ] {
        condition.send(now).expect("the router holds the receiver");
        assert_eq!(
            status_of(port).await,
            expected,
            "GET {HEALTH_PATH} while {now:?}"
        );
    }
}

#[tokio::test]
async fn the_agent_follows_the_condition() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("http-health");
    let (condition, port) = serve_health().await;
    let id = format!("{name}-{port}");
    let check = AgentServiceCheckBuilder::default()
        .name("HTTP health")
        .http(format!("http://localhost:{port}{HEALTH_PATH}"))
        .interval("1s")
        .timeout("1s")
        .build()
        .unwrap();
    support::register(&client, &name, &id, port, check).await;

    let seen = support::wait_for_check(agent.url(), &name, &id, CheckStatus::Passing).await;
    assert!(
        !seen.output.is_empty(),
        "the body becomes the check's output"
    );
    for (now, expected) in [
        (Condition::Overloaded, CheckStatus::Warning),
        (Condition::Down, CheckStatus::Critical),
        (Condition::Serving, CheckStatus::Passing),
    ] {
        condition.send(now).expect("the router holds the receiver");
        support::wait_for_check(agent.url(), &name, &id, expected).await;
    }
    support::deregister(&client, &id).await;
}
