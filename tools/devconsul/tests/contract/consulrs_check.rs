//! consulrs 0.1.0's `check` module against the embedded agent: register, list, the TTL
//! updates (pass, warn, fail, set_status) and deregister.

use crate::consulrs_support::{NODE, agent, status_of};
use consulrs::api::check::requests::{
    RegisterCheckRequest, TtlCheckPassRequest, TtlCheckUpdateRequest,
};
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::{check, service};
use testkit::within;

async fn status(client: &ConsulClient, id: &str) -> (String, String) {
    let checks = within("check list", check::list(client, None))
        .await
        .expect("the check list parses")
        .response;
    let check = checks
        .get(id)
        .unwrap_or_else(|| panic!("{id} is not listed: {checks:?}"));
    (
        check.status.clone().unwrap_or_default(),
        check.output.clone().unwrap_or_default(),
    )
}

async fn web_service(client: &ConsulClient) {
    service::register(
        client,
        "web",
        Some(RegisterServiceRequest::builder().id("web-1")),
    )
    .await
    .expect("the service registers");
}

/// Registers a node-level TTL check named `name` (its ID is the name), critical until updated.
async fn register_ttl_check(client: &ConsulClient, name: &str) {
    check::register(
        client,
        name,
        Some(RegisterCheckRequest::builder().ttl("30s")),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_ttl_check_starts_critical_and_follows_pass_warn_fail() {
    let (_agent, client) = agent().await;
    web_service(&client).await;
    within(
        "check register",
        check::register(
            &client,
            "web heartbeat",
            Some(
                RegisterCheckRequest::builder()
                    .id("web-heartbeat")
                    .service_id("web-1") // sent as "ServiceId": keys match case-insensitively
                    .ttl("30s")
                    .notes("the web server says it is alive"),
            ),
        ),
    )
    .await
    .expect("the check registers");

    let checks = check::list(&client, None).await.unwrap().response;
    let registered = &checks["web-heartbeat"];
    assert_eq!(registered.name.as_deref(), Some("web heartbeat"));
    assert_eq!(registered.service_id.as_deref(), Some("web-1"));
    assert_eq!(registered.service_name.as_deref(), Some("web"));
    assert_eq!(registered.node.as_deref(), Some(NODE));
    assert_eq!(registered.ty.as_deref(), Some("ttl"));
    assert_eq!(
        registered.notes.as_deref(),
        Some("the web server says it is alive")
    );
    assert_eq!(
        registered.status.as_deref(),
        Some("critical"),
        "checks start critical"
    );

    check::pass(&client, "web-heartbeat", None)
        .await
        .expect("pass");
    assert_eq!(status(&client, "web-heartbeat").await.0, "passing");
    check::warn(&client, "web-heartbeat", None)
        .await
        .expect("warn");
    assert_eq!(status(&client, "web-heartbeat").await.0, "warning");
    check::fail(&client, "web-heartbeat", None)
        .await
        .expect("fail");
    assert_eq!(status(&client, "web-heartbeat").await.0, "critical");
}

#[tokio::test]
async fn set_status_sets_the_status_and_the_output() {
    let (_agent, client) = agent().await;
    register_ttl_check(&client, "disk").await;
    within(
        "set_status",
        check::set_status(
            &client,
            "disk", // the ID defaults to the name
            "warning",
            Some(TtlCheckUpdateRequest::builder().output("disk 91% full")),
        ),
    )
    .await
    .expect("set_status is accepted");
    assert_eq!(
        status(&client, "disk").await,
        ("warning".to_string(), "disk 91% full".to_string())
    );

    check::set_status(&client, "disk", "passing", None)
        .await
        .unwrap();
    assert_eq!(status(&client, "disk").await.0, "passing");

    let bad = check::set_status(&client, "disk", "sleepy", None).await;
    assert_eq!(status_of(bad), 400, "an invalid status");
}

#[tokio::test]
async fn a_note_sent_in_the_body_is_accepted_and_ignored() {
    // consulrs 0.1.0 sends pass/warn/fail notes as a JSON body, which Consul ignores.
    let (_agent, client) = agent().await;
    register_ttl_check(&client, "beat").await;
    within(
        "pass with a note",
        check::pass(
            &client,
            "beat",
            Some(TtlCheckPassRequest::builder().note("fine")),
        ),
    )
    .await
    .expect("a body on pass is accepted");
    assert_eq!(
        status(&client, "beat").await,
        ("passing".to_string(), String::new())
    );
}

#[tokio::test]
async fn a_check_registered_with_a_status_starts_in_it() {
    let (_agent, client) = agent().await;
    check::register(
        &client,
        "ready",
        Some(RegisterCheckRequest::builder().ttl("30s").status("passing")),
    )
    .await
    .unwrap();
    assert_eq!(status(&client, "ready").await.0, "passing");
}

#[tokio::test]
async fn deregistering_a_check_removes_it() {
    let (_agent, client) = agent().await;
    register_ttl_check(&client, "beat").await;
    within("check deregister", check::deregister(&client, "beat", None))
        .await
        .expect("a known check deregisters");
    assert!(
        check::list(&client, None)
            .await
            .unwrap()
            .response
            .is_empty()
    );
}

#[tokio::test]
async fn unknown_checks_and_services_are_404() {
    let (_agent, client) = agent().await;
    assert_eq!(status_of(check::pass(&client, "nope", None).await), 404);
    assert_eq!(status_of(check::warn(&client, "nope", None).await), 404);
    assert_eq!(status_of(check::fail(&client, "nope", None).await), 404);
    assert_eq!(
        status_of(check::set_status(&client, "nope", "passing", None).await),
        404
    );
    assert_eq!(
        status_of(check::deregister(&client, "nope", None).await),
        404
    );
    let orphan = check::register(
        &client,
        "orphan",
        Some(
            RegisterCheckRequest::builder()
                .ttl("30s")
                .service_id("no-such-service"),
        ),
    )
    .await;
    assert_eq!(
        status_of(orphan),
        404,
        "a check for a service that does not exist"
    );
}

#[tokio::test]
async fn a_check_is_validated_like_consul_does() {
    let (_agent, client) = agent().await;
    // A TCP check needs an interval.
    let no_interval = check::register(
        &client,
        "tcp",
        Some(RegisterCheckRequest::builder().tcp("127.0.0.1:9")),
    )
    .await;
    assert_eq!(status_of(no_interval), 400);
    // Interval and TTL together make no sense.
    let both = check::register(
        &client,
        "both",
        Some(
            RegisterCheckRequest::builder()
                .ttl("10s")
                .interval("10s")
                .tcp("127.0.0.1:9"),
        ),
    )
    .await;
    assert_eq!(status_of(both), 400);
}

#[tokio::test]
async fn ttl_updates_on_a_probed_check_are_refused() {
    let (_agent, client) = agent().await;
    check::register(
        &client,
        "tcp",
        Some(
            RegisterCheckRequest::builder()
                .tcp("127.0.0.1:9")
                .interval("10s"),
        ),
    )
    .await
    .expect("a TCP check with an interval registers");
    let code = status_of(check::pass(&client, "tcp", None).await);
    assert!(code >= 400, "pass on a TCP check must fail, got {code}");
}
