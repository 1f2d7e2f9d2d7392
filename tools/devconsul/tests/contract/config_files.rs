//! Service definition files in the config folder: loaded at start, replaced and removed
//! on reload (through the library and through `PUT /v1/agent/reload`).

use crate::common::{Folder, agent_with};
use devconsul::Config;
use serde_json::json;

fn config(folder: &Folder) -> Config {
    Config {
        http_addr: "127.0.0.1:0".parse().unwrap(),
        config_dir: Some(folder.0.clone()),
        ..Config::default()
    }
}

#[tokio::test]
async fn definitions_load_at_start() {
    let folder = Folder::new();
    folder.write(
        "web.json",
        r#"{"service": {"name": "web", "tags": ["v1"], "port": 8080,
            "check": {"ttl": "30s", "deregister_critical_service_after": "1m"}}}"#,
    );
    folder.write(
        "more.json",
        r#"{"services": [{"name": "a", "id": "a-1", "port": 1}, {"name": "b"}]}"#,
    );
    folder.write("notes.txt", "not a definition");
    let (_agent, api) = agent_with(config(&folder)).await;
    let services = api.get("/v1/agent/services").await.expect(200).json();
    let mut ids: Vec<_> = services.as_object().unwrap().keys().cloned().collect();
    ids.sort();
    assert_eq!(ids, ["a-1", "b", "web"]);
    assert_eq!(services["web"]["Tags"], json!(["v1"]));
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    assert_eq!(checks["service:web"]["Type"], "ttl");
    assert_eq!(checks["service:web"]["Status"], "critical");
}

#[tokio::test]
async fn reload_replaces_changed_and_removes_deleted_definitions() {
    let folder = Folder::new();
    folder.write(
        "web.json",
        r#"{"service": {"name": "web", "port": 1, "check": {"ttl": "30s"}}}"#,
    );
    folder.write("gone.json", r#"{"service": {"name": "gone"}}"#);
    let (agent, api) = agent_with(config(&folder)).await;
    api.put("/v1/agent/check/pass/service:web", "")
        .await
        .expect(200);
    api.register(json!({"Name": "from-api"})).await;

    folder.write(
        "web.json",
        r#"{"service": {"name": "web", "port": 2, "check": {"ttl": "30s"}}}"#,
    );
    folder.remove("gone.json");
    agent.reload().await.unwrap();

    let services = api.get("/v1/agent/services").await.expect(200).json();
    assert_eq!(services["web"]["Port"], 2);
    assert!(
        services.get("gone").is_none(),
        "a definition removed from disk is deregistered"
    );
    assert!(
        services.get("from-api").is_some(),
        "services registered through the API stay"
    );
    assert_eq!(
        api.check_status("service:web").await.unwrap().0,
        "passing",
        "reload keeps check status"
    );

    folder.write("new.json", r#"{"service": {"name": "new"}}"#);
    api.put("/v1/agent/reload", "").await.expect(200);
    assert!(api.get("/v1/agent/service/new").await.status.is_success());
}

#[tokio::test]
async fn a_broken_file_changes_nothing() {
    let folder = Folder::new();
    folder.write("web.json", r#"{"service": {"name": "web"}}"#);
    let (agent, api) = agent_with(config(&folder)).await;
    folder.write("web.json", r#"{"service": {"name": "web", "port": 2}}"#);
    folder.write("bad.json", r#"{"service": {"port": "eighty"}}"#);
    let error = agent.reload().await.unwrap_err();
    assert!(format!("{error:#}").contains("bad.json"), "{error:#}");
    assert_eq!(
        api.get("/v1/agent/service/web").await.expect(200).json()["Port"],
        0
    );
    let reply = api.put("/v1/agent/reload", "").await.expect(500);
    assert!(reply.text().contains("bad.json"));
}

#[tokio::test]
async fn a_broken_file_stops_the_start() {
    let folder = Folder::new();
    folder.write("bad.json", "{");
    assert!(devconsul::Agent::start(config(&folder)).await.is_err());
}

#[tokio::test]
async fn deep_and_huge_files_are_refused_and_change_nothing() {
    let folder = Folder::new();
    folder.write("web.json", r#"{"service": {"name": "web"}}"#);
    let (agent, api) = agent_with(config(&folder)).await;

    // Nesting a JSON parser would recurse through a hundred thousand times.
    folder.write(
        "deep.json",
        &format!(r#"{{"service": {}"#, "[".repeat(100_000)),
    );
    let error = format!("{:#}", agent.reload().await.unwrap_err());
    assert!(
        error.contains("deep.json") && error.contains("exceeded max depth"),
        "{error}"
    );
    folder.remove("deep.json");

    // One byte over the 1 MiB a definition file may hold.
    let mut huge = r#"{"service": {"name": "huge"}}"#.to_string();
    huge.push_str(&" ".repeat((1 << 20) + 1 - huge.len()));
    folder.write("huge.json", &huge);
    let error = format!("{:#}", agent.reload().await.unwrap_err());
    assert!(
        error.contains("huge.json is larger than 1048576 bytes"),
        "{error}"
    );
    assert!(
        devconsul::Agent::start(config(&folder)).await.is_err(),
        "nor does it start with one"
    );
    let services = api.get("/v1/agent/services").await.expect(200).json();
    assert_eq!(services.as_object().unwrap().len(), 1, "{services}");
    assert!(services.get("web").is_some());
}
