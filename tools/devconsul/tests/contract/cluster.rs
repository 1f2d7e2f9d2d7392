//! Agents in a cluster (`src/cluster`): they join by gossip, list each other as Consul's
//! `members` does, a service registered through one is found through another, and a member
//! that leaves differs from one that fails. Every agent runs in this process on loopback,
//! each with its own ports; what only separate hosts show (a partition) is lesson 14's.

use std::time::Duration;

use devconsul::cluster::Status;
use devconsul::{Agent, ClusterConfig, Config};
use serde_json::{Value, json};

use crate::common::{Api, Folder, eventually};

/// One agent of a test's cluster, with its API and its data directory.
pub(crate) struct Member {
    pub(crate) agent: Agent,
    pub(crate) api: Api,
    _data: Folder,
}

pub(crate) fn config(node: &str, datacenter: &str, cluster: ClusterConfig) -> Config {
    Config {
        http_addr: "127.0.0.1:0".parse().unwrap(),
        node_name: node.into(),
        datacenter: datacenter.into(),
        cluster: Some(cluster),
        ..Config::default()
    }
}

pub(crate) fn cluster_config(server: bool, join: Vec<String>, data: &Folder) -> ClusterConfig {
    ClusterConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        server,
        server_port: 0,
        join,
        retry_join: Vec::new(),
        retry_interval: Duration::from_millis(200),
        data_dir: data.0.clone(),
        rejoin: false,
        // Five times Consul's pace: a silent member is declared failed in about a second.
        probe_interval: Duration::from_millis(200),
    }
}

pub(crate) async fn start(config: Config, data: Folder) -> Member {
    let agent = Agent::start(config).await.expect("the agent starts");
    let api = Api::new(&agent.url());
    Member {
        agent,
        api,
        _data: data,
    }
}

pub(crate) async fn server(node: &str) -> Member {
    let data = Folder::new();
    start(
        config(node, "dc1", cluster_config(true, vec![], &data)),
        data,
    )
    .await
}

/// A client agent that joins through `through`'s gossip address.
async fn client(node: &str, through: &Member) -> Member {
    let data = Folder::new();
    let join = vec![gossip(through)];
    start(
        config(node, "dc1", cluster_config(false, join, &data)),
        data,
    )
    .await
}

pub(crate) fn gossip(member: &Member) -> String {
    member.agent.cluster().unwrap().gossip_addr().to_string()
}

/// `node`'s status as `member` sees it (`/v1/agent/members`), with Serf's numbers.
pub(crate) async fn status_of(member: &Member, node: &str) -> Option<u64> {
    let members = member.api.get("/v1/agent/members").await.expect(200).json();
    members
        .as_array()?
        .iter()
        .find(|m| m["Name"] == node)
        .and_then(|m| m["Status"].as_u64())
}

async fn until_status(member: &Member, node: &str, status: Status) {
    let what = format!("{node} to be {status:?} as its peer sees it");
    eventually(&what, || async {
        (status_of(member, node).await == Some(u64::from(status.code()))).then_some(())
    })
    .await;
}

/// The nodes of `service`'s passing instances, asked of `member`.
async fn passing_nodes(member: &Member, service: &str) -> Vec<String> {
    let entries = member
        .api
        .get(&format!("/v1/health/service/{service}?passing"))
        .await
        .expect(200)
        .json();
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Node"]["Node"].as_str().unwrap().to_string())
        .collect()
}

/// `/v1/catalog/service/NAME`, asked of `member`.
async fn catalog_of(member: &Member, service: &str) -> Value {
    let path = format!("/v1/catalog/service/{service}");
    member.api.get(&path).await.expect(200).json()
}

async fn register_ttl_service(member: &Member, id: &str) {
    member
        .api
        .register(json!({"Name": "web", "ID": id, "Port": 8080, "Check": {"CheckID": format!("ttl-{id}"), "TTL": "60s"}}))
        .await;
}

#[tokio::test]
async fn three_agents_join_and_each_lists_the_three_alive_with_their_roles() {
    let a = server("n1").await;
    let b = client("n2", &a).await;
    let c = client("n3", &a).await;
    for member in [&a, &b, &c] {
        for node in ["n1", "n2", "n3"] {
            until_status(member, node, Status::Alive).await;
        }
    }
    let members = c.api.get("/v1/agent/members").await.expect(200).json();
    let role = |node: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["Name"] == node)
            .unwrap()["Tags"]["role"]
            .clone()
    };
    assert_eq!(role("n1"), "consul", "{members:#}");
    assert_eq!(role("n2"), "node", "{members:#}");
    // The catalog's nodes are the server's, whichever agent is asked.
    let nodes = eventually("the server's catalog to hold the three nodes", || async {
        let nodes = b.api.get("/v1/catalog/nodes").await.expect(200).json();
        (nodes.as_array().unwrap().len() == 3).then_some(nodes)
    })
    .await;
    assert!(nodes[0]["Address"] == "127.0.0.1", "{nodes:#}");
}

#[tokio::test]
async fn a_service_registered_on_one_client_is_found_through_another_with_its_checks_status() {
    let a = server("s").await;
    let b = client("b", &a).await;
    let c = client("c", &a).await;
    register_ttl_service(&b, "web-b").await;
    b.api
        .put("/v1/agent/check/pass/ttl-web-b", "")
        .await
        .expect(200);

    let seen = eventually("web-b to pass, as host c's agent answers", || async {
        let nodes = passing_nodes(&c, "web").await;
        (nodes == ["b"]).then_some(nodes)
    })
    .await;
    assert_eq!(seen, ["b"]);
    // The copy carries the check's status: failing it on b takes web-b out everywhere.
    b.api
        .put("/v1/agent/check/fail/ttl-web-b", "")
        .await
        .expect(200);
    eventually("web-b to stop passing on the server", || async {
        passing_nodes(&a, "web").await.is_empty().then_some(())
    })
    .await;
    let checks = c.api.get("/v1/health/checks/web").await.expect(200).json();
    assert_eq!(checks[0]["Node"], "b", "{checks:#}");
    // The agent's own view stays the agent's: c holds no service of b's.
    let own = c.api.get("/v1/agent/services").await.expect(200).json();
    assert_eq!(own, json!({}));
}

#[tokio::test]
async fn a_member_that_leaves_goes_with_its_services_and_one_that_fails_stays_critical() {
    let a = server("s").await;
    let leaver = client("leaver", &a).await;
    let failer = client("failer", &a).await;
    register_ttl_service(&leaver, "web-leaver").await;
    register_ttl_service(&failer, "web-failer").await;
    leaver
        .api
        .put("/v1/agent/check/pass/ttl-web-leaver", "")
        .await
        .expect(200);
    failer
        .api
        .put("/v1/agent/check/pass/ttl-web-failer", "")
        .await
        .expect(200);
    eventually("both instances to pass", || async {
        (passing_nodes(&a, "web").await.len() == 2).then_some(())
    })
    .await;

    // Leaving: the node says so, and the server removes it with its service at once.
    leaver.api.put("/v1/agent/leave", "").await.expect(200);
    until_status(&a, "leaver", Status::Left).await;
    let catalog = catalog_of(&a, "web").await;
    assert_eq!(catalog.as_array().unwrap().len(), 1, "{catalog:#}");
    assert_eq!(catalog[0]["Node"], "failer");

    // Failing: stopped without a word. Gossip finds it gone; it stays in the catalog with
    // its node's serfHealth critical, which takes its service out of the passing ones.
    failer.agent.shutdown().await;
    until_status(&a, "failer", Status::Failed).await;
    let serf = eventually("failer's serfHealth to turn critical", || async {
        let checks = a.api.get("/v1/health/node/failer").await.expect(200).json();
        let serf = checks
            .as_array()?
            .iter()
            .find(|c| c["CheckID"] == "serfHealth")?
            .clone();
        (serf["Status"] == "critical").then_some(serf)
    })
    .await;
    assert_eq!(serf["Output"], "Agent not live or unreachable");
    assert!(passing_nodes(&a, "web").await.is_empty());
    let catalog = catalog_of(&a, "web").await;
    assert_eq!(
        catalog[0]["Node"], "failer",
        "a failed node keeps its services"
    );

    // force-leave moves a failed member to left, and that removes it.
    a.api
        .put("/v1/agent/force-leave/failer", "")
        .await
        .expect(200);
    until_status(&a, "failer", Status::Left).await;
    let catalog = catalog_of(&a, "web").await;
    assert_eq!(catalog, json!([]));
    let refused = a
        .api
        .put("/v1/agent/force-leave/s", "")
        .await
        .expect(500)
        .text();
    assert!(refused.contains("is alive"), "{refused}");
}

#[tokio::test]
async fn a_client_restarted_with_rejoin_comes_back_alive_without_join() {
    let a = server("s").await;
    let data = Folder::new();
    let first = Agent::start(config(
        "r",
        "dc1",
        cluster_config(false, vec![gossip(&a)], &data),
    ))
    .await
    .unwrap();
    until_status(&a, "r", Status::Alive).await;
    // Stopped without leaving (as a crash or `docker kill` would), then started again on
    // the same address with -rejoin and no -join: it finds the server it knew.
    let address = first.cluster().unwrap().gossip_addr();
    first.shutdown().await;
    let mut again = cluster_config(false, vec![], &data);
    again.bind = address;
    again.rejoin = true;
    let restarted = Agent::start(config("r", "dc1", again)).await.unwrap();
    let cluster = restarted.cluster().unwrap();
    eventually("the restarted agent to know the server again", || async {
        cluster
            .members()
            .iter()
            .any(|m| m.id.node == "s" && m.status == Status::Alive)
            .then_some(())
    })
    .await;
    until_status(&a, "r", Status::Alive).await;
    restarted.shutdown().await;
}

#[tokio::test]
async fn a_client_with_no_server_says_so_and_keeps_its_own_services() {
    let data = Folder::new();
    let alone = start(
        config("alone", "dc1", cluster_config(false, vec![], &data)),
        data,
    )
    .await;
    register_ttl_service(&alone, "web-alone").await;
    let answer = alone
        .api
        .get("/v1/catalog/services")
        .await
        .expect(500)
        .text();
    assert_eq!(answer, "No known Consul servers");
    let own = alone.api.get("/v1/agent/services").await.expect(200).json();
    assert!(own.get("web-alone").is_some(), "{own:#}");
}
