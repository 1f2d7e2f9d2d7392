//! consulrs 0.1.0's `service` module against the embedded agent: register, list, read,
//! health, maintenance, deregister — the calls and answers of a real Consul.

use std::collections::HashMap;

use crate::consulrs_support::{agent, status_of};
use consulrs::api::check::common::AgentServiceCheckBuilder;
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::{check, service};
use testkit::within;

fn ttl_check(status: Option<&str>) -> consulrs::api::check::common::AgentServiceCheck {
    let mut check = AgentServiceCheckBuilder::default();
    check.ttl("30s");
    if let Some(status) = status {
        check.status(status);
    }
    check.build().unwrap()
}

/// Registers the service `web` as instance `web-1`, watched by a 30 s TTL check that starts
/// in `status` (critical when `None`, as on Consul).
async fn register_web_with_ttl(client: &ConsulClient, status: Option<&str>) {
    service::register(
        client,
        "web",
        Some(
            RegisterServiceRequest::builder()
                .id("web-1")
                .check(ttl_check(status)),
        ),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_registered_service_is_listed_and_read_back() {
    let (_agent, client) = agent().await;
    let meta = HashMap::from([("version".to_string(), "1.2.0".to_string())]);
    within(
        "register",
        service::register(
            &client,
            "greeter",
            Some(
                RegisterServiceRequest::builder()
                    .id("greeter-1")
                    .address("localhost")
                    .port(7005u64)
                    .tags(vec!["grpc".to_string(), "v1".to_string()])
                    .meta(meta.clone()),
            ),
        ),
    )
    .await
    .expect("the registration is accepted");

    let services = within("list", service::list(&client, None))
        .await
        .expect("the list parses")
        .response;
    let listed = services.get("greeter-1").expect("listed under its ID");
    assert_eq!(listed.service.as_deref(), Some("greeter"));
    assert_eq!(listed.port, Some(7005));
    assert_eq!(listed.address.as_deref(), Some("localhost"));
    assert_eq!(
        listed.tags,
        Some(vec!["grpc".to_string(), "v1".to_string()])
    );
    assert_eq!(listed.meta, Some(meta));
    let weights = listed.weights.as_ref().expect("Weights are always present");
    assert_eq!((weights.passing, weights.warning), (Some(1), Some(1)));
    assert!(
        !services.contains_key("consul"),
        "the agent's own service is not listed"
    );

    let read = within("read", service::read(&client, "greeter-1", None))
        .await
        .expect("the service parses")
        .response;
    assert_eq!(read.id.as_deref(), Some("greeter-1"));
    assert_eq!(read.service.as_deref(), Some("greeter"));
    assert!(
        read.content_hash.is_some(),
        "ContentHash on agent/service/:id"
    );
}

#[tokio::test]
async fn the_id_defaults_to_the_name_and_re_registering_replaces() {
    let (_agent, client) = agent().await;
    service::register(
        &client,
        "cache",
        Some(RegisterServiceRequest::builder().port(1u64)),
    )
    .await
    .unwrap();
    service::register(
        &client,
        "cache",
        Some(RegisterServiceRequest::builder().port(2u64)),
    )
    .await
    .unwrap();
    let services = service::list(&client, None).await.unwrap().response;
    assert_eq!(services.len(), 1, "{services:?}");
    assert_eq!(services["cache"].port, Some(2));
    let tags = services["cache"].tags.clone();
    assert_eq!(tags, Some(vec![]), "Tags is [] when empty, never null");
}

#[tokio::test]
async fn an_empty_agent_lists_no_services() {
    let (_agent, client) = agent().await;
    assert!(
        service::list(&client, None)
            .await
            .unwrap()
            .response
            .is_empty()
    );
}

#[tokio::test]
async fn deregistering_removes_the_service_and_its_checks() {
    let (_agent, client) = agent().await;
    register_web_with_ttl(&client, None).await;
    assert!(
        check::list(&client, None)
            .await
            .unwrap()
            .response
            .contains_key("service:web-1")
    );

    within("deregister", service::deregister(&client, "web-1", None))
        .await
        .expect("a known ID deregisters");
    assert!(
        service::list(&client, None)
            .await
            .unwrap()
            .response
            .is_empty()
    );
    assert!(
        check::list(&client, None)
            .await
            .unwrap()
            .response
            .is_empty()
    );
    assert_eq!(status_of(service::read(&client, "web-1", None).await), 404);
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let (_agent, client) = agent().await;
    assert_eq!(
        status_of(service::deregister(&client, "nope", None).await),
        404
    );
    assert_eq!(status_of(service::read(&client, "nope", None).await), 404);
    assert_eq!(status_of(service::health(&client, "nope", None).await), 404);
}

#[tokio::test]
async fn health_by_name_is_data_when_passing_and_a_status_code_otherwise() {
    let (_agent, client) = agent().await;
    register_web_with_ttl(&client, Some("passing")).await;
    let health = within("health", service::health(&client, "web", None))
        .await
        .expect("200 while every check passes")
        .response;
    assert_eq!(health.len(), 1);
    assert_eq!(health[0].aggregated_status, "passing");
    assert_eq!(health[0].service.id.as_deref(), Some("web-1"));
    assert_eq!(health[0].checks.len(), 1);
    assert_eq!(
        health[0].checks[0].check_id.as_deref(),
        Some("service:web-1")
    );

    // consulrs turns the status code that carries the health into an error.
    check::warn(&client, "service:web-1", None).await.unwrap();
    assert_eq!(status_of(service::health(&client, "web", None).await), 429);
    check::fail(&client, "service:web-1", None).await.unwrap();
    assert_eq!(status_of(service::health(&client, "web", None).await), 503);
}

#[tokio::test]
async fn maintenance_mode_adds_a_critical_check_and_removes_it_again() {
    let (_agent, client) = agent().await;
    register_web_with_ttl(&client, Some("passing")).await;

    within(
        "maintenance on",
        service::maintenance(&client, "web-1", true, None),
    )
    .await
    .expect("maintenance is accepted");
    let checks = check::list(&client, None).await.unwrap().response;
    let maintenance = checks
        .get("_service_maintenance:web-1")
        .expect("the maintenance check");
    assert_eq!(maintenance.status.as_deref(), Some("critical"));
    assert_eq!(status_of(service::health(&client, "web", None).await), 503);

    service::maintenance(&client, "web-1", false, None)
        .await
        .unwrap();
    let checks = check::list(&client, None).await.unwrap().response;
    assert!(!checks.contains_key("_service_maintenance:web-1"));
    service::health(&client, "web", None)
        .await
        .expect("passing again");

    assert_eq!(
        status_of(service::maintenance(&client, "nope", true, None).await),
        404
    );
}

#[tokio::test]
async fn a_service_with_a_host_name_address_keeps_consulrs_parsing() {
    // consulrs 0.1.0 types TaggedAddresses as strings; Consul fills them (as objects) only
    // for IP-literal addresses. A host name leaves them out, and every call keeps working.
    let (_agent, client) = agent().await;
    service::register(
        &client,
        "web",
        Some(
            RegisterServiceRequest::builder()
                .id("web-1")
                .address("localhost")
                .port(80u64),
        ),
    )
    .await
    .unwrap();
    let listed = service::list(&client, None).await.expect("parses").response;
    assert!(listed["web-1"].tagged_addresses.is_none());
}

#[tokio::test]
async fn an_ip_literal_address_gets_tagged_addresses_that_consulrs_0_1_cannot_parse() {
    // Consul adds lan_ipv4/wan_ipv4 objects for an IP-literal address; consulrs 0.1.0 expects
    // strings there. The agent behaves like Consul, so a lesson that trips over this trips
    // on both agents alike (consul-ext's docs say how to avoid it).
    let (agent, client) = agent().await;
    service::register(
        &client,
        "web",
        Some(
            RegisterServiceRequest::builder()
                .id("web-1")
                .address("127.0.0.1")
                .port(80u64),
        ),
    )
    .await
    .expect("an IP-literal address is accepted");

    let raw: serde_json::Value = reqwest::get(format!("{}/v1/agent/service/web-1", agent.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lan = &raw["TaggedAddresses"]["lan_ipv4"];
    assert_eq!(lan["Address"], "127.0.0.1", "{raw}");
    assert_eq!(lan["Port"], 80, "{raw}");
    assert!(raw["TaggedAddresses"]["wan_ipv4"].is_object(), "{raw}");

    assert!(
        service::list(&client, None).await.is_err(),
        "consulrs 0.1.0 cannot parse object-valued TaggedAddresses"
    );
}
