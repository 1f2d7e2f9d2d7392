//! consulrs 0.1.0's `catalog` module against the embedded agent: services,
//! nodes_with_service, nodes, datacenters, node — and their blocking form.

use crate::consulrs_support::{NODE, agent, agent_with, index_of, status_of};
use consulrs::api::Features;
use consulrs::api::catalog::requests::{ListNodesForServiceRequest, ListServicesRequest};
use consulrs::api::check::common::AgentServiceCheckBuilder;
use consulrs::api::features::Blocking;
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::{catalog, service};
use testkit::within;

async fn register(client: &ConsulClient, name: &str, id: &str, port: u64, tags: &[&str]) {
    let critical = AgentServiceCheckBuilder::default()
        .ttl("30s")
        .build()
        .unwrap();
    service::register(
        client,
        name,
        Some(
            RegisterServiceRequest::builder()
                .id(id)
                .address("localhost")
                .port(port)
                .tags(tags.iter().map(|tag| tag.to_string()).collect::<Vec<_>>())
                .check(critical),
        ),
    )
    .await
    .expect("the service registers");
}

#[tokio::test]
async fn services_lists_each_name_with_the_union_of_its_tags() {
    let (_agent, client) = agent().await;
    register(&client, "web", "web-1", 8001, &["v1"]).await;
    register(&client, "web", "web-2", 8002, &["v1", "canary"]).await;
    register(&client, "db", "db-1", 5432, &[]).await;

    let answer = within("catalog services", catalog::services(&client, None))
        .await
        .expect("the catalog parses");
    index_of(&answer);
    assert_eq!(answer.known_leader.as_deref(), Some("true"));
    let services = answer.response;
    let mut web_tags = services["web"].clone();
    web_tags.sort();
    assert_eq!(web_tags, vec!["canary".to_string(), "v1".to_string()]);
    assert_eq!(services["db"], Vec::<String>::new());
    assert_eq!(
        services["consul"],
        Vec::<String>::new(),
        "a server lists itself"
    );
}

#[tokio::test]
async fn nodes_with_service_lists_every_instance_healthy_or_not() {
    let (_agent, client) = agent().await;
    register(&client, "web", "web-1", 8001, &["v1"]).await;
    register(&client, "web", "web-2", 8002, &["v2"]).await;

    let answer = within(
        "catalog service",
        catalog::nodes_with_service(&client, "web", None),
    )
    .await
    .expect("the instances parse");
    index_of(&answer);
    let mut instances = answer.response;
    instances.sort_by(|a, b| a.service_id.cmp(&b.service_id));
    assert_eq!(instances.len(), 2, "critical instances are listed too");
    let first = &instances[0];
    assert_eq!(first.service_id.as_deref(), Some("web-1"));
    assert_eq!(first.service_name.as_deref(), Some("web"));
    assert_eq!(first.service_port, Some(8001));
    assert_eq!(first.service_address.as_deref(), Some("localhost"));
    assert_eq!(first.service_tags, Some(vec!["v1".to_string()]));
    assert_eq!(first.node.as_deref(), Some(NODE));
    assert_eq!(first.datacenter.as_deref(), Some("dc1"));
    assert!(first.address.is_some() && first.id.is_some());

    // consulrs 0.1.0 has no `tag` parameter here; a filter does the same.
    let tagged = Features::builder()
        .filter("\"v2\" in ServiceTags")
        .build()
        .unwrap();
    let v2 = catalog::nodes_with_service(
        &client,
        "web",
        Some(ListNodesForServiceRequest::builder().features(tagged)),
    )
    .await
    .unwrap()
    .response;
    assert_eq!(v2.len(), 1);
    assert_eq!(v2[0].service_id.as_deref(), Some("web-2"));

    let none = catalog::nodes_with_service(&client, "nobody", None)
        .await
        .unwrap();
    assert!(
        none.response.is_empty(),
        "an unknown service has no instances, not an error"
    );
}

#[tokio::test]
async fn nodes_datacenters_and_node_describe_the_one_node() {
    let (_agent, client) = agent().await;
    register(&client, "web", "web-1", 8001, &[]).await;

    let nodes = within("catalog nodes", catalog::nodes(&client, None))
        .await
        .expect("the nodes parse");
    index_of(&nodes);
    assert_eq!(nodes.response.len(), 1);
    let node = &nodes.response[0];
    assert_eq!(node.node, NODE);
    assert_eq!(node.datacenter, "dc1");
    assert_eq!(node.address, "127.0.0.1");
    assert!(!node.id.is_empty());

    let datacenters = catalog::datacenters(&client, None).await.unwrap().response;
    assert_eq!(datacenters, vec!["dc1".to_string()]);

    let services = within("catalog node", catalog::node(&client, NODE, None))
        .await
        .expect("the node's services parse")
        .response;
    assert_eq!(services.node.node, NODE);
    assert_eq!(services.node.id, node.id, "the same node ID everywhere");
    let ids: Vec<_> = services
        .services
        .iter()
        .filter_map(|s| s.id.clone())
        .collect();
    assert!(ids.contains(&"web-1".to_string()), "{ids:?}");

    assert_eq!(
        status_of(catalog::node(&client, "elsewhere", None).await),
        404
    );
}

#[tokio::test]
async fn the_configured_datacenter_is_the_only_one() {
    let config = devconsul::Config {
        datacenter: "classroom".to_string(),
        ..devconsul::Config::default()
    };
    let (_agent, client) = agent_with(config).await;
    let datacenters = catalog::datacenters(&client, None).await.unwrap().response;
    assert_eq!(datacenters, vec!["classroom".to_string()]);
    assert_eq!(
        catalog::nodes(&client, None).await.unwrap().response[0].datacenter,
        "classroom"
    );
}

#[tokio::test]
async fn a_blocking_read_of_the_catalog_wakes_on_a_registration() {
    let (agent, client) = agent().await;
    let first = catalog::services(&client, None).await.unwrap();
    let index = index_of(&first);

    let watch = tokio::spawn({
        let url = agent.url();
        async move {
            let client = crate::consulrs_support::client_for(&url);
            let blocking = Features::builder()
                .blocking(Blocking {
                    index,
                    wait: Some("30s".to_string()),
                })
                .build()
                .unwrap();
            catalog::services(
                &client,
                Some(ListServicesRequest::builder().features(blocking)),
            )
            .await
            .unwrap()
        }
    });
    register(&client, "late", "late-1", 9000, &[]).await;
    let woken = within("the blocked read to return", watch).await.unwrap();
    assert!(index_of(&woken) > index);
    assert!(woken.response.contains_key("late"));

    // Unchanged: a short wait returns the same index.
    let again = index_of(&woken);
    let blocking = Features::builder()
        .blocking(Blocking {
            index: again,
            wait: Some("100ms".to_string()),
        })
        .build()
        .unwrap();
    let unchanged = within(
        "a blocking read that times out",
        catalog::services(
            &client,
            Some(ListServicesRequest::builder().features(blocking)),
        ),
    )
    .await
    .unwrap();
    assert_eq!(index_of(&unchanged), again);
}
