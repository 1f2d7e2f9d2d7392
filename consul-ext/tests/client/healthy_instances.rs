//! `healthy_instances` and `watch_healthy_instances` against a real agent (see
//! `testkit::consul`): registered through consulrs, discovered through the health endpoint.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use consul_ext::{CheckStatus, Error, healthy_instances, watch_healthy_instances};
use consulrs::api::check::common::AgentServiceCheckBuilder;
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::{check, service};
use testkit::within;

/// A service name no other test (or earlier run against a shared agent) uses.
pub(crate) fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{nanos}-{n}", std::process::id())
}

/// Registers instance `id` of `name` on `localhost:port` with a 30 s TTL check that starts
/// in `status` (Consul's default is critical).
async fn register(
    client: &ConsulClient,
    name: &str,
    id: &str,
    port: u64,
    tags: &[&str],
    status: Option<&str>,
) {
    let mut check = AgentServiceCheckBuilder::default();
    check.ttl("30s");
    if let Some(status) = status {
        check.status(status);
    }
    let mut registration = RegisterServiceRequest::builder();
    registration
        .id(id)
        // A host name, not an IP literal: see the TaggedAddresses trap in consul-ext's docs.
        .address("localhost")
        .port(port)
        .tags(tags.iter().map(|tag| tag.to_string()).collect::<Vec<_>>())
        .check(check.build().unwrap());
    within(
        "service registration",
        service::register(client, name, Some(&mut registration)),
    )
    .await
    .expect("the agent accepts the registration");
}

async fn ids(client: &ConsulClient, name: &str, tag: Option<&str>) -> Vec<String> {
    let entries = within("the health query", healthy_instances(client, name, tag))
        .await
        .expect("the health query succeeds");
    let mut ids: Vec<String> = entries.into_iter().map(|entry| entry.service.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn an_instance_is_healthy_once_its_ttl_check_passes_and_gone_after_deregister() {
    // ANCHOR: test_agent
    // CONSUL_HTTP_ADDR, else `consul agent -dev` from PATH, else the embedded agent; whatever
    // it started stops when `agent` is dropped at the end of the test.
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).unwrap();
    // ANCHOR_END: test_agent
    let name = unique("ttl");
    let id = format!("{name}-1");
    register(&client, &name, &id, 7005, &[], None).await;

    assert_eq!(
        ids(&client, &name, None).await,
        Vec::<String>::new(),
        "critical until it passes"
    );

    within(
        "TTL pass",
        check::pass(&client, &format!("service:{id}"), None),
    )
    .await
    .expect("the TTL check accepts a pass");
    let entries = within("the health query", healthy_instances(&client, &name, None))
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "{entries:#?}");
    let entry = &entries[0];
    assert_eq!(entry.service.id, id);
    assert_eq!(entry.service.service, name);
    assert_eq!(entry.address(), "localhost:7005");
    assert!(!entry.node.node.is_empty() && !entry.node.address.is_empty());
    assert!(
        entry
            .checks
            .iter()
            .all(|check| check.status == CheckStatus::Passing),
        "{:#?}",
        entry.checks
    );
    assert!(
        entry
            .checks
            .iter()
            .any(|check| check.service_id == id && check.kind == "ttl"),
        "the instance's own TTL check is listed: {:#?}",
        entry.checks
    );
    assert!(
        entry.checks.iter().any(|check| check.service_id.is_empty()),
        "the node's own checks are listed too: {:#?}",
        entry.checks
    );

    within(
        "TTL fail",
        check::fail(&client, &format!("service:{id}"), None),
    )
    .await
    .unwrap();
    assert!(ids(&client, &name, None).await.is_empty(), "critical again");

    within("deregistration", service::deregister(&client, &id, None))
        .await
        .unwrap();
    assert!(ids(&client, &name, None).await.is_empty());
}

#[tokio::test]
async fn a_tag_narrows_the_instances_and_a_base_url_works_as_well_as_a_client() {
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).unwrap();
    let name = unique("tagged");
    let (v1, v2) = (format!("{name}-v1"), format!("{name}-v2"));
    register(&client, &name, &v1, 7101, &["v1"], Some("passing")).await;
    register(
        &client,
        &name,
        &v2,
        7102,
        &["v2", "canary"],
        Some("passing"),
    )
    .await;

    assert_eq!(
        ids(&client, &name, None).await,
        vec![v1.clone(), v2.clone()]
    );
    assert_eq!(ids(&client, &name, Some("v2")).await, vec![v2.clone()]);
    assert!(ids(&client, &name, Some("v3")).await.is_empty());

    let by_url = healthy_instances(agent.url(), &name, Some("v1"))
        .await
        .unwrap();
    assert_eq!(by_url.len(), 1);
    assert_eq!(by_url[0].service.tags, vec!["v1".to_string()]);

    for id in [v1, v2] {
        service::deregister(&client, &id, None).await.unwrap();
    }
}

#[tokio::test]
async fn tagged_addresses_are_read_as_the_objects_consul_sends() {
    // The registration consulrs 0.1.0 itself cannot read back: an IP-literal address, for
    // which the agent adds `lan_ipv4`/`wan_ipv4` objects.
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).unwrap();
    let name = unique("literal");
    let id = format!("{name}-1");
    let passing = AgentServiceCheckBuilder::default()
        .ttl("30s")
        .status("passing")
        .build()
        .unwrap();
    let mut registration = RegisterServiceRequest::builder();
    registration
        .id(id.as_str())
        .address("127.0.0.1")
        .port(7301u64)
        .check(passing);
    service::register(&client, &name, Some(&mut registration))
        .await
        .unwrap();

    let entries = healthy_instances(&client, &name, None).await.unwrap();
    assert_eq!(entries.len(), 1);
    let lan = &entries[0].service.tagged_addresses["lan_ipv4"];
    assert_eq!((lan.address.as_str(), lan.port), ("127.0.0.1", 7301));
    assert_eq!(entries[0].address(), "127.0.0.1:7301");

    service::deregister(&client, &id, None).await.unwrap();
}

#[tokio::test]
async fn an_unknown_service_has_no_instances() {
    let agent = testkit::consul().await;
    let none = healthy_instances(agent.url(), &unique("nobody"), None).await;
    assert!(none.unwrap().is_empty());
}

#[tokio::test]
async fn a_blocking_watch_wakes_when_an_instance_becomes_healthy() {
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).unwrap();
    let name = unique("watched");
    let id = format!("{name}-1");
    register(&client, &name, &id, 7201, &[], None).await;

    // Index 0: answers at once, with the index to block on.
    let first = within(
        "the first (non-blocking) answer",
        watch_healthy_instances(&client, &name, None, 0, Duration::from_secs(30)),
    )
    .await
    .unwrap();
    assert!(first.entries.is_empty());
    assert!(first.index > 0);

    // Nothing changes: a short wait comes back with the same (empty) answer.
    let unchanged = within(
        "a blocking query that times out",
        watch_healthy_instances(
            &client,
            &name,
            None,
            first.index,
            Duration::from_millis(200),
        ),
    )
    .await
    .unwrap();
    assert!(unchanged.entries.is_empty());

    // Blocked on the empty answer, the watch wakes when the check passes. Whether the pass
    // lands before or after the watch reaches the agent, the answer is the new one.
    let watch = tokio::spawn({
        let url = agent.url().to_string();
        let name = name.clone();
        async move {
            let mut index = first.index;
            loop {
                let answer =
                    watch_healthy_instances(&url, &name, None, index, Duration::from_secs(30))
                        .await
                        .unwrap();
                if !answer.entries.is_empty() {
                    return answer;
                }
                index = answer.index; // a wake-up without the change we wait for
            }
        }
    });
    check::pass(&client, &format!("service:{id}"), None)
        .await
        .unwrap();
    let changed = within("the watch to wake", watch).await.unwrap();
    assert_eq!(changed.entries.len(), 1);
    assert_eq!(changed.entries[0].service.id, id);
    assert!(
        changed.index > first.index,
        "{} > {}",
        changed.index,
        first.index
    );

    service::deregister(&client, &id, None).await.unwrap();
}

#[tokio::test]
async fn an_agent_that_is_down_is_named_with_how_to_start_one() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // closed again: nothing listens there
    let error = healthy_instances(&format!("127.0.0.1:{port}"), "web", None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::AgentDown { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains(&format!("http://127.0.0.1:{port}")),
        "{message}"
    );
    assert!(message.contains("services up"), "{message}");
}

#[tokio::test]
async fn a_bad_address_is_refused_before_any_request() {
    let error = healthy_instances("unix:///tmp/consul.sock", "web", None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::BadAddress { .. }), "{error:?}");
}
