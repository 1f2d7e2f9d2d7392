//! `/v1/health/*` and `/v1/catalog/*`: shapes, filters and the index headers.

use crate::common::{Reply, agent};
use serde_json::{Value, json};

fn assert_index_headers(reply: &Reply) {
    reply.index();
    assert_eq!(reply.header("X-Consul-KnownLeader"), Some("true"));
    assert_eq!(reply.header("X-Consul-LastContact"), Some("0"));
    assert_eq!(
        reply.header("X-Consul-Effective-Consistency"),
        Some("leader")
    );
}

fn ids(entries: &Value) -> Vec<String> {
    let mut ids: Vec<String> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Service"]["ID"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn health_service_lists_instances_with_node_and_checks() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "web", "ID": "web-1", "Tags": ["v1"], "Port": 8001, "Check": {"TTL": "60s", "Status": "passing"}}))
        .await;
    api.register(json!({"Name": "web", "ID": "web-2", "Tags": ["v2"], "Port": 8002, "Check": {"TTL": "60s"}})).await;

    let reply = api.get("/v1/health/service/web").await.expect(200);
    assert_index_headers(&reply);
    let entries = reply.json();
    assert_eq!(ids(&entries), ["web-1", "web-2"]);
    let entry = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["Service"]["ID"] == "web-1")
        .unwrap();
    for key in [
        "ID",
        "Node",
        "Address",
        "Datacenter",
        "CreateIndex",
        "ModifyIndex",
    ] {
        assert!(
            entry["Node"].get(key).is_some(),
            "Node.{key} is required by consulrs"
        );
    }
    assert_eq!(entry["Node"]["Node"], "testnode");
    assert_eq!(entry["Service"]["Port"], 8001);
    assert!(entry["Service"].get("Datacenter").is_none());
    let serf = &entry["Checks"][0];
    assert_eq!(serf["CheckID"], "serfHealth");
    assert_eq!(serf["Name"], "Serf Health Status");
    assert_eq!(serf["Output"], "Agent alive and reachable");
    assert_eq!(serf["ServiceTags"], json!([]));
    assert_eq!(entry["Checks"][1]["CheckID"], "service:web-1");

    assert_eq!(
        ids(&api
            .get("/v1/health/service/web?passing")
            .await
            .expect(200)
            .json()),
        ["web-1"]
    );
    assert_eq!(
        ids(&api
            .get("/v1/health/service/web?passing=true")
            .await
            .expect(200)
            .json()),
        ["web-1"]
    );
    assert_eq!(
        ids(&api
            .get("/v1/health/service/web?passing=0")
            .await
            .expect(200)
            .json())
        .len(),
        2
    );
    assert_eq!(
        ids(&api
            .get("/v1/health/service/web?tag=v2")
            .await
            .expect(200)
            .json()),
        ["web-2"]
    );
    assert_eq!(
        ids(&api
            .get("/v1/health/service/web?tag=v2&tag=v1")
            .await
            .expect(200)
            .json())
        .len(),
        0
    );
    let filtered = api
        .get("/v1/health/service/web?filter=Service.Port%20%3D%3D%208002")
        .await
        .expect(200);
    assert_eq!(ids(&filtered.json()), ["web-2"]);
    let filtered = api
        .get("/v1/health/service/web?filter=%22critical%22%20not%20in%20Checks.Status")
        .await
        .expect(200);
    assert_eq!(ids(&filtered.json()), ["web-1"]);

    let unknown = api.get("/v1/health/service/nope").await.expect(200);
    assert_index_headers(&unknown);
    assert_eq!(unknown.json(), json!([]));
}

#[tokio::test]
async fn a_warning_is_not_passing() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "w", "Check": {"TTL": "60s", "Status": "warning"}}))
        .await;
    assert_eq!(
        api.get("/v1/health/service/w?passing")
            .await
            .expect(200)
            .json(),
        json!([])
    );
    assert_eq!(
        api.get("/v1/health/service/w")
            .await
            .expect(200)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn health_checks_and_state() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "a", "Check": {"TTL": "60s", "Status": "passing"}}))
        .await;
    api.register(json!({"Name": "b", "Check": {"TTL": "60s", "Status": "critical"}}))
        .await;

    let reply = api.get("/v1/health/checks/a").await.expect(200);
    assert_index_headers(&reply);
    let checks = reply.json();
    assert_eq!(checks.as_array().unwrap().len(), 1, "no node checks here");
    assert_eq!(checks[0]["CheckID"], "service:a");
    assert_eq!(checks[0]["ServiceName"], "a");
    assert_eq!(
        api.get("/v1/health/checks/nope").await.expect(200).json(),
        json!([])
    );

    let critical = api.get("/v1/health/state/critical").await.expect(200);
    assert_index_headers(&critical);
    let ids: Vec<_> = critical
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CheckID"].clone())
        .collect();
    assert_eq!(ids, [json!("service:b")]);
    let passing = api.get("/v1/health/state/passing").await.expect(200).json();
    let ids: Vec<_> = passing
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CheckID"].clone())
        .collect();
    assert_eq!(ids, [json!("serfHealth"), json!("service:a")]);
    assert_eq!(
        api.get("/v1/health/state/any")
            .await
            .expect(200)
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    api.get("/v1/health/state/bogus").await.expect(400);
    let node = api.get("/v1/health/node/testnode").await.expect(200).json();
    assert_eq!(node.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn catalog_services_service_and_nodes() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "web", "ID": "web-1", "Tags": ["v1", "x"], "Address": "localhost", "Port": 1})).await;
    api.register(json!({"Name": "web", "ID": "web-2", "Tags": ["v2", "x"], "Port": 2, "Check": {"TTL": "1m"}})).await;
    api.register(json!({"Name": "bare", "Port": 3})).await;

    let reply = api.get("/v1/catalog/services").await.expect(200);
    assert_index_headers(&reply);
    let services = reply.json();
    assert_eq!(services["consul"], json!([]));
    assert_eq!(services["bare"], json!([]));
    let mut tags: Vec<_> = services["web"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    tags.sort_unstable();
    assert_eq!(tags, ["v1", "v2", "x"]);

    let reply = api.get("/v1/catalog/service/web").await.expect(200);
    assert_index_headers(&reply);
    let entries = reply.json();
    assert_eq!(
        entries.as_array().unwrap().len(),
        2,
        "health does not matter to the catalog"
    );
    let first = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ServiceID"] == "web-1")
        .unwrap();
    assert_eq!(first["ServiceName"], "web");
    assert_eq!(first["ServiceAddress"], "localhost");
    assert_eq!(first["Node"], "testnode");
    assert_eq!(first["Datacenter"], "dc1");
    assert_eq!(first["TaggedAddresses"]["lan"], "127.0.0.1");
    assert_eq!(first["ServiceWeights"], json!({"Passing": 1, "Warning": 1}));
    let v2 = api
        .get("/v1/catalog/service/web?tag=v2")
        .await
        .expect(200)
        .json();
    assert_eq!(v2[0]["ServiceID"], "web-2");
    let filtered = api
        .get("/v1/catalog/service/web?filter=ServicePort%20%3D%3D%201")
        .await
        .expect(200)
        .json();
    assert_eq!(filtered[0]["ServiceID"], "web-1");
    assert_eq!(
        api.get("/v1/catalog/service/nope").await.expect(200).json(),
        json!([])
    );

    let nodes = api.get("/v1/catalog/nodes").await.expect(200);
    assert_index_headers(&nodes);
    assert_eq!(nodes.json()[0]["Node"], "testnode");
    assert_eq!(
        api.get("/v1/catalog/datacenters").await.expect(200).json(),
        json!(["dc1"])
    );

    let node = api
        .get("/v1/catalog/node-services/testnode")
        .await
        .expect(200)
        .json();
    assert_eq!(node["Node"]["Node"], "testnode");
    assert_eq!(
        node["Services"].as_array().unwrap().len(),
        4,
        "web-1, web-2, bare and consul"
    );
    api.get("/v1/catalog/node-services/other").await.expect(404);
}

#[tokio::test]
async fn another_datacenter_is_out_of_reach() {
    let (_agent, api) = agent().await;
    let reply = api.get("/v1/health/service/web?dc=dc2").await.expect(500);
    assert_eq!(reply.text(), "No path to datacenter");
    api.get("/v1/catalog/services?dc=dc2").await.expect(500);
    api.get("/v1/kv/key?dc=dc2").await.expect(500);
    api.get("/v1/catalog/services?dc=dc1").await.expect(200);
    api.get("/v1/catalog/services?stale&consistent")
        .await
        .expect(400);
    api.get("/v1/catalog/services?stale").await.expect(200);
}

#[tokio::test]
async fn registration_is_visible_everywhere_before_the_answer() {
    let (_agent, api) = agent().await;
    for i in 0..20 {
        let id = format!("s-{i}");
        api.register(json!({"Name": "many", "ID": id, "Port": i}))
            .await;
        let listed = api.get("/v1/catalog/service/many").await.expect(200).json();
        assert_eq!(listed.as_array().unwrap().len(), i as usize + 1);
    }
}
