//! `/v1/agent/*` service endpoints, the agent's self-description and `/v1/status/*`.

use crate::common::agent;
use serde_json::json;

#[tokio::test]
async fn register_list_read_and_deregister() {
    let (agent, api) = agent().await;
    assert_eq!(
        api.get("/v1/agent/services").await.expect(200).json(),
        json!({})
    );

    api.register(json!({
        "Name": "web", "ID": "web-1", "Tags": ["v1"], "Port": 8080, "Address": "127.0.0.1",
        "Meta": {"env": "dev"}
    }))
    .await;
    let services = api.get("/v1/agent/services").await.expect(200).json();
    let web = &services["web-1"];
    assert_eq!(web["Service"], "web");
    assert_eq!(web["Tags"], json!(["v1"]));
    assert_eq!(web["Meta"], json!({"env": "dev"}));
    assert_eq!(web["Port"], 8080);
    assert_eq!(web["Weights"], json!({"Passing": 1, "Warning": 1}));
    assert_eq!(web["Datacenter"], "dc1");
    // Consul adds the IP literal under lan_ipv4/wan_ipv4, as objects.
    assert_eq!(
        web["TaggedAddresses"]["lan_ipv4"],
        json!({"Address": "127.0.0.1", "Port": 8080})
    );
    assert!(
        services.get("consul").is_none(),
        "the catalog's own service is not the agent's"
    );

    let read = api.get("/v1/agent/service/web-1").await.expect(200);
    let hash = read.json()["ContentHash"]
        .as_str()
        .expect("a ContentHash")
        .to_string();
    assert_eq!(read.header("X-Consul-ContentHash"), Some(hash.as_str()));

    let reply = api
        .put("/v1/agent/service/deregister/web-1", "")
        .await
        .expect(200);
    assert!(reply.body.is_empty(), "writes answer with an empty body");
    assert_eq!(
        api.get("/v1/agent/services").await.expect(200).json(),
        json!({})
    );
    api.get("/v1/agent/service/web-1").await.expect(404);
    let reply = api
        .put("/v1/agent/service/deregister/web-1", "")
        .await
        .expect(404);
    assert!(reply.text().contains("Unknown service ID"));
    agent.shutdown().await;
}

#[tokio::test]
async fn the_id_defaults_to_the_name_and_re_registering_replaces() {
    let (_agent, api) = agent().await;
    api.register(json!({"name": "api", "tags": ["a"], "port": 1}))
        .await;
    api.register(json!({"name": "api", "tags": ["b"], "port": 2}))
        .await;
    let services = api.get("/v1/agent/services").await.expect(200).json();
    assert_eq!(services.as_object().unwrap().len(), 1);
    assert_eq!(services["api"]["Tags"], json!(["b"]));
    assert_eq!(services["api"]["Port"], 2);
}

#[tokio::test]
async fn lower_case_and_snake_case_keys_are_accepted() {
    let (_agent, api) = agent().await;
    api.register(json!({
        "name": "py", "id": "py-1", "enable_tag_override": true,
        "tagged_addresses": {"lan": {"address": "10.0.0.1", "port": 1}},
        "check": {"ttl": "10s", "deregister_critical_service_after": "1m"}
    }))
    .await;
    let service = api.get("/v1/agent/service/py-1").await.expect(200).json();
    assert_eq!(service["EnableTagOverride"], true);
    assert_eq!(service["TaggedAddresses"]["lan"]["Address"], "10.0.0.1");
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    assert_eq!(checks["service:py-1"]["Type"], "ttl");
}

#[tokio::test]
async fn the_content_hash_blocks_until_the_service_changes() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "h", "Port": 1})).await;
    let hash = api.get("/v1/agent/service/h").await.expect(200).json()["ContentHash"]
        .as_str()
        .unwrap()
        .to_string();

    let same = api
        .get(&format!("/v1/agent/service/h?hash={hash}&wait=50ms"))
        .await
        .expect(200);
    assert_eq!(same.header("X-Consul-ContentHash"), Some(hash.as_str()));

    let waiting = {
        let api = api.clone();
        let hash = hash.clone();
        tokio::spawn(async move {
            api.get(&format!("/v1/agent/service/h?hash={hash}&wait=10s"))
                .await
        })
    };
    api.register(json!({"Name": "h", "Port": 2})).await;
    let changed = waiting.await.unwrap().expect(200);
    assert_ne!(changed.header("X-Consul-ContentHash"), Some(hash.as_str()));
    assert_eq!(changed.json()["Port"], 2);
}

#[tokio::test]
async fn agent_health_reports_status_in_the_code() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "ah", "ID": "ah-1", "Check": {"TTL": "30s"}}))
        .await;
    let reply = api
        .get("/v1/agent/health/service/id/ah-1")
        .await
        .expect(503);
    assert_eq!(reply.json()["AggregatedStatus"], "critical");
    assert_eq!(reply.json()["Service"]["ID"], "ah-1");

    api.put("/v1/agent/check/warn/service:ah-1", "")
        .await
        .expect(200);
    let reply = api
        .get("/v1/agent/health/service/name/ah")
        .await
        .expect(429);
    assert_eq!(reply.json()[0]["AggregatedStatus"], "warning");

    api.put("/v1/agent/check/pass/service:ah-1", "")
        .await
        .expect(200);
    let reply = api
        .get("/v1/agent/health/service/name/ah?format=text")
        .await
        .expect(200);
    assert_eq!(reply.text(), "passing");

    let unknown = api
        .get("/v1/agent/health/service/id/nope")
        .await
        .expect(404);
    assert_eq!(
        unknown.json(),
        json!({"AggregatedStatus": "critical", "Service": null, "Checks": null})
    );
    assert_eq!(
        api.get("/v1/agent/health/service/name/nope")
            .await
            .expect(404)
            .json(),
        json!([])
    );
}

#[tokio::test]
async fn maintenance_takes_an_instance_out_of_passing_results() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "m", "ID": "m-1", "Check": {"TTL": "30s", "Status": "passing"}}))
        .await;
    assert_eq!(
        api.get("/v1/health/service/m?passing")
            .await
            .expect(200)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    api.put(
        "/v1/agent/service/maintenance/m-1?enable=true&reason=upgrade",
        "",
    )
    .await
    .expect(200);
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    let maintenance = &checks["_service_maintenance:m-1"];
    assert_eq!(maintenance["Status"], "critical");
    assert_eq!(maintenance["Notes"], "upgrade");
    assert_eq!(
        api.get("/v1/health/service/m?passing")
            .await
            .expect(200)
            .json(),
        json!([])
    );
    api.get("/v1/agent/health/service/id/m-1").await.expect(503);

    api.put("/v1/agent/service/maintenance/m-1?enable=false", "")
        .await
        .expect(200);
    assert_eq!(
        api.get("/v1/health/service/m?passing")
            .await
            .expect(200)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    api.put("/v1/agent/service/maintenance/m-1", "")
        .await
        .expect(400);
    api.put("/v1/agent/service/maintenance/nope?enable=true", "")
        .await
        .expect(404);
}

#[tokio::test]
async fn services_can_be_filtered() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "f", "ID": "f-1", "Tags": ["blue"], "Meta": {"env": "prod"}}))
        .await;
    api.register(json!({"Name": "f", "ID": "f-2", "Tags": ["green"], "Meta": {"env": "dev"}}))
        .await;
    let filtered = api
        .get("/v1/agent/services?filter=%22blue%22%20in%20Tags")
        .await
        .expect(200)
        .json();
    assert_eq!(
        filtered.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["f-1"]
    );
    let filtered = api
        .get("/v1/agent/services?filter=Meta.env%20%3D%3D%20dev")
        .await
        .expect(200)
        .json();
    assert_eq!(
        filtered.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["f-2"]
    );
    let bad = api.get("/v1/agent/services?filter=Nope%20%3D%3D%201").await;
    assert!(!bad.status.is_success());
}

#[tokio::test]
async fn self_members_and_status() {
    let (agent, api) = agent().await;
    let me = api.get("/v1/agent/self").await.expect(200).json();
    assert_eq!(me["Config"]["Datacenter"], "dc1");
    assert_eq!(me["Config"]["NodeName"], "testnode");
    assert_eq!(me["Config"]["Server"], true);
    assert!(
        me["Config"]["Version"]
            .as_str()
            .unwrap()
            .ends_with("-workbook-dev")
    );
    assert!(me["Config"]["NodeID"].as_str().unwrap().len() == 36);
    assert_eq!(me["DebugConfig"]["CheckDeregisterIntervalMin"], "1s");
    assert_eq!(me["DebugConfig"]["CheckReapInterval"], "1s");
    assert_eq!(me["Member"]["Status"], 1);

    let members = api.get("/v1/agent/members").await.expect(200).json();
    assert_eq!(members[0]["Name"], "testnode");

    let leader = api.get("/v1/status/leader").await.expect(200);
    assert!(leader.header("X-Consul-Index").is_none());
    assert_eq!(leader.json(), json!("127.0.0.1:8300"));
    assert_eq!(
        api.get("/v1/status/peers").await.expect(200).json(),
        json!(["127.0.0.1:8300"])
    );
    assert!(
        api.get("/v1/agent/self?pretty")
            .await
            .expect(200)
            .text()
            .contains("\n    \"Config\"")
    );
    agent.shutdown().await;
}

#[tokio::test]
async fn consul_timings_are_reported() {
    let config = devconsul::Config {
        http_addr: "127.0.0.1:0".parse().unwrap(),
        timings: devconsul::Timings::consul(),
        ..Default::default()
    };
    let (_agent, api) = crate::common::agent_with(config).await;
    let me = api.get("/v1/agent/self").await.expect(200).json();
    assert_eq!(me["DebugConfig"]["CheckDeregisterIntervalMin"], "1m0s");
    assert_eq!(me["DebugConfig"]["CheckReapInterval"], "30s");
}

#[tokio::test]
async fn leave_stops_the_agent_and_shutdown_closes_the_port() {
    let (agent, api) = agent().await;
    api.put("/v1/agent/leave", "").await.expect(200);
    tokio::time::timeout(crate::common::DEADLINE, agent.stopped())
        .await
        .expect("the agent stops after leave");
    let address = agent.http_addr();
    agent.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "nothing listens after shutdown"
    );
}

/// Consul keeps a service's `Port` as a Go `int` and never checks its range: its
/// `NodeService.Validate` looks at ports only for Connect proxies and gateways. So -1,
/// 65536 and the ends of a 64-bit integer are registered and reported back as given, in
/// the agent's, the catalog's and the health view, and a filter finds them; only a number
/// that is not an integer or does not fit 64 bits is a decode error. The ports of
/// `TaggedAddresses` are Go `int`s as well.
#[tokio::test]
async fn ports_are_any_64_bit_integer_as_in_consul() {
    let (_agent, api) = agent().await;
    for (i, port) in [-1, 0, 65_535, 65_536, i64::MIN, i64::MAX]
        .into_iter()
        .enumerate()
    {
        let name = format!("port-{i}");
        api.register(json!({
            "Name": name, "Port": port, "Address": "127.0.0.1",
            "TaggedAddresses": {"lan": {"Address": "10.0.0.1", "Port": port}}
        }))
        .await;
        let service = api
            .get(&format!("/v1/agent/service/{name}"))
            .await
            .expect(200)
            .json();
        assert_eq!(service["Port"], port, "{service}");
        assert_eq!(service["TaggedAddresses"]["lan"]["Port"], port);
        assert_eq!(service["TaggedAddresses"]["lan_ipv4"]["Port"], port);
        let catalog = api
            .get(&format!("/v1/catalog/service/{name}"))
            .await
            .expect(200)
            .json();
        assert_eq!(catalog[0]["ServicePort"], port, "{catalog}");
        let health = api
            .get(&format!("/v1/health/service/{name}"))
            .await
            .expect(200)
            .json();
        assert_eq!(health[0]["Service"]["Port"], port, "{health}");
        let filtered = api
            .get(&format!("/v1/agent/services?filter=Port+==+{port}"))
            .await
            .expect(200)
            .json();
        assert!(filtered.get(&name).is_some(), "Port == {port}: {filtered}");
    }

    for port in [
        "9223372036854775808",
        "-9223372036854775809",
        "80.5",
        "1e3",
        r#""80""#,
    ] {
        for body in [
            format!(r#"{{"Name": "bad", "Port": {port}}}"#),
            format!(r#"{{"Name": "bad", "TaggedAddresses": {{"lan": {{"Port": {port}}}}}}}"#),
        ] {
            let reply = api
                .put("/v1/agent/service/register", &body)
                .await
                .expect(400);
            assert!(
                reply
                    .text()
                    .starts_with("Request decode failed: json: cannot unmarshal"),
                "{body}: {}",
                reply.text()
            );
        }
    }
    api.get("/v1/agent/service/bad").await.expect(404);
}
