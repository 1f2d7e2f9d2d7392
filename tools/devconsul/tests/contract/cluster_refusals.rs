//! What a cluster of agents refuses, and how it says so: a `-join` nobody answers, a
//! member of another datacenter, a node name already taken, a lone agent asked to join,
//! and flags that cannot make a cluster.

use devconsul::Agent;
use devconsul::cluster::SERF_LAN_PORT;
use serde_json::Value;

use crate::cluster::{cluster_config, config, gossip, server, start, status_of};
use crate::common::Folder;

#[tokio::test]
async fn joining_nobody_a_stranger_datacenter_or_a_taken_name_is_a_clear_error() {
    // Nothing answers on this port: a bound socket that never reads.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let data = Folder::new();
    let nobody = vec![silent.local_addr().unwrap().to_string()];
    let error = Agent::start(config("x", "dc1", cluster_config(false, nobody, &data)))
        .await
        .err()
        .expect("a -join that nobody answers stops the start");
    let error = format!("{error:#}");
    assert!(
        error.contains("no agent answered") && error.contains("-retry-join"),
        "{error}"
    );

    let a = server("s").await;
    let data = Folder::new();
    let stranger = start(
        config("y", "dc2", cluster_config(false, vec![], &data)),
        data,
    )
    .await;
    let refused = stranger
        .api
        .put(&format!("/v1/agent/join/{}", gossip(&a)), "")
        .await
        .expect(500)
        .text();
    assert!(refused.contains("datacenter"), "{refused}");

    let data = Folder::new();
    let twin = start(
        config("s", "dc1", cluster_config(false, vec![], &data)),
        data,
    )
    .await;
    let refused = twin
        .api
        .put(&format!("/v1/agent/join/{}", gossip(&a)), "")
        .await
        .expect(500)
        .text();
    assert!(refused.contains("own -node"), "{refused}");
    assert_eq!(status_of(&a, "y").await, None, "a stranger is no member");
}

#[tokio::test]
async fn an_agent_alone_answers_join_with_how_to_form_a_cluster() {
    let (_agent, api) = crate::common::agent().await;
    let refused = api
        .put("/v1/agent/join/127.0.0.1", "")
        .await
        .expect(400)
        .text();
    assert!(refused.contains("-server or -join"), "{refused}");
    let members: Value = api.get("/v1/agent/members").await.expect(200).json();
    assert_eq!(members[0]["Port"], SERF_LAN_PORT);
}

#[tokio::test]
async fn the_binary_refuses_a_cluster_it_cannot_be_with_a_reason() {
    let data = Folder::new();
    let dir = data.0.to_str().unwrap();
    let base = [
        "agent",
        "-http-port",
        "0",
        "-serf-lan-port",
        "0",
        "-server-port",
        "0",
    ];
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "-server",
                "-bootstrap-expect",
                "0",
                "-bind",
                "127.0.0.1",
                "-data-dir",
                dir,
            ],
            "never elects a leader",
        ),
        (
            &[
                "-server",
                "-bootstrap-expect",
                "3",
                "-bind",
                "127.0.0.1",
                "-data-dir",
                dir,
            ],
            "one server per datacenter",
        ),
        (
            &[
                "-bootstrap-expect",
                "1",
                "-bind",
                "127.0.0.1",
                "-data-dir",
                dir,
            ],
            "add -server",
        ),
        (&["-server", "-data-dir", dir], "needs -bind"),
        (
            &["-server", "-bind", "127.0.0.1"],
            "data_dir cannot be empty",
        ),
        (
            &["-server", "-bind", "0.0.0.0", "-data-dir", dir],
            "not 0.0.0.0",
        ),
        (
            &["-dev", "-server", "-bind", "127.0.0.1", "-data-dir", dir],
            "-dev runs one agent alone",
        ),
    ];
    for (flags, reason) in cases {
        let mut refused = std::process::Command::new(env!("CARGO_BIN_EXE_devconsul"));
        refused.args(base).args(*flags);
        let output = testkit::output_within_async(
            &format!("`devconsul` with {flags:?}"),
            refused,
            testkit::PATIENCE,
        )
        .await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{flags:?} started");
        assert!(stderr.contains(reason), "{flags:?}: {stderr}");
    }
}

#[tokio::test]
async fn a_servers_copy_of_a_node_is_refused_from_anyone_but_that_node() {
    let a = server("s").await;
    let data = Folder::new();
    let b = start(
        config("b", "dc1", cluster_config(false, vec![gossip(&a)], &data)),
        data,
    )
    .await;
    crate::common::eventually("b to be a member", || async {
        (status_of(&a, "b").await == Some(1)).then_some(())
    })
    .await;
    let sync = devconsul::cluster::sync::SYNC_PATH;
    let copy = |address: &str| {
        serde_json::json!({"node": "b", "id": "x", "address": address, "datacenter": "dc1",
            "services": [], "checks": []})
    };
    let refused = a
        .api
        .put_json(sync, copy("10.9.9.9"))
        .await
        .expect(409)
        .text();
    assert!(refused.contains("own -node"), "{refused}");
    let elsewhere = serde_json::json!({"node": "z", "id": "x", "address": "127.0.0.1",
        "datacenter": "dc9", "services": [], "checks": []});
    let refused = a.api.put_json(sync, elsewhere).await.expect(400).text();
    assert!(refused.contains("datacenter"), "{refused}");
    let garbled = a.api.put(sync, "{\"node\": [").await.expect(400).text();
    assert!(garbled.starts_with("Request decode failed"), "{garbled}");
    // b's own copy is taken.
    a.api.put_json(sync, copy("127.0.0.1")).await.expect(200);
    drop(b);
}
