//! The mDNS registry on a network of its own: each test runs inside a network namespace
//! that holds only a loopback interface (`support/netns.rs`), so that no multicast leaves
//! the machine. Services are the lesson's binary, run as real processes.

mod program;
mod support;

use std::sync::Arc;
use std::time::Duration;

use micro::client::MicroClient;
use micro::registry::mdns::wire;
use micro::registry::{Node, Registry};
use micro::selector::RoundRobin;
use program::BINARY;
use program::mdns::{
    LONG_TTL, SHORT_TTL, announce, bare_daemon, ids, node_id, registry, run, server, until,
};
use support::go_micro::{
    GREETER_NODE_ID, GREETER_TXT, PLAIN_TXT_JSON, go_micro_pack, go_micro_unpack,
};
use support::go_micro_mdns::go_micro_reads;
use support::netns::inside;
use support::{Greeter, node, tally};
use testkit::within;

#[test]
fn register_watch_and_deregister() {
    if !inside("register_watch_and_deregister") {
        return;
    }
    run(async {
        let announcer = registry(LONG_TTL);
        let watcher = registry(LONG_TTL);
        let a = node("trait-a", "127.0.0.1:40001");
        let b = node("trait-b", "127.0.0.1:40002");
        let mut nodes = within("watch", watcher.watch("trait")).await.unwrap();
        assert!(
            nodes.borrow_and_update().is_empty(),
            "nothing announced yet"
        );

        within("register a", announcer.register("trait", &a))
            .await
            .unwrap();
        within("register b", announcer.register("trait", &b))
            .await
            .unwrap();
        let both = vec![a.clone(), b.clone()];
        until(&mut nodes, "both nodes", |nodes| *nodes == both).await;
        let found = within("get_service", watcher.get_service("trait")).await;
        assert_eq!(found.unwrap(), both);
        let services = within("list_services", watcher.list_services()).await;
        assert_eq!(services.unwrap(), ["trait"]);

        within("deregister a", announcer.deregister("trait", &a))
            .await
            .unwrap();
        until(&mut nodes, "a's goodbye", |nodes| *nodes == [b.clone()]).await;
        within("deregister b", announcer.deregister("trait", &b))
            .await
            .unwrap();
        until(&mut nodes, "b's goodbye", Vec::is_empty).await;
    });
}

#[test]
fn three_instances_are_found_and_called() {
    if !inside("three_instances_are_found_and_called") {
        return;
    }
    run(async {
        let servers = [
            server("greeter").await,
            server("greeter").await,
            server("greeter").await,
        ];
        let registry = Arc::new(registry(LONG_TTL));
        let mut nodes = within("watch", registry.watch("greeter")).await.unwrap();
        let mut expected: Vec<String> = servers.iter().map(|s| node_id("greeter", s)).collect();
        expected.sort();
        until(&mut nodes, "three nodes", |nodes| ids(nodes) == expected).await;
        for server in &servers {
            let id = node_id("greeter", server);
            let found = nodes.borrow().iter().find(|node| node.id == id).cloned();
            let node = found.expect("each server's node");
            assert_eq!(node.address, server.addr().to_string(), "{node:?}");
            assert_eq!(node.version, "1.0.0");
        }

        let client = MicroClient::new(registry, Box::new(RoundRobin::default()));
        let mut answered = Vec::new();
        for _ in 0..6 {
            let call = client.say_hello("greeter", "Ada");
            let (node, reply) = within("a call", call).await.expect("a call");
            assert!(reply.starts_with("Hello Ada"), "{reply}");
            answered.push(node.id);
        }
        let counts = tally(answered.iter().map(String::as_str));
        assert_eq!(counts.len(), 3, "every node answers: {counts:?}");
    });
}

#[test]
fn a_node_that_leaves_and_a_node_killed_are_dropped() {
    if !inside("a_node_that_leaves_and_a_node_killed_are_dropped") {
        return;
    }
    run(async {
        let mut leaving = server("greeter").await;
        let mut killed = server("greeter").await;
        let staying = server("greeter").await;
        let (leaving_id, killed_id, staying_id) = (
            node_id("greeter", &leaving),
            node_id("greeter", &killed),
            node_id("greeter", &staying),
        );
        // Checks every second: sees a killed node go. Checks every ten minutes: only a
        // goodbye can make a node go while the test runs.
        let checking = registry(SHORT_TTL);
        let trusting = registry(LONG_TTL);
        let mut quick = within("watch", checking.watch("greeter")).await.unwrap();
        let mut slow = within("watch", trusting.watch("greeter")).await.unwrap();
        until(&mut quick, "three nodes", |nodes| nodes.len() == 3).await;
        until(&mut slow, "three nodes", |nodes| nodes.len() == 3).await;

        leaving.signal("TERM");
        leaving.exits_cleanly_within(Duration::from_secs(5)).await;
        let gone = |id: &str| {
            let id = id.to_string();
            move |nodes: &Vec<Node>| nodes.iter().all(|node| node.id != id)
        };
        until(
            &mut slow,
            "the goodbye of the node that left",
            gone(&leaving_id),
        )
        .await;
        until(
            &mut quick,
            "the goodbye of the node that left",
            gone(&leaving_id),
        )
        .await;

        killed.signal("KILL");
        killed.exits_within(Duration::from_secs(5)).await;
        until(
            &mut quick,
            "the killed node to be dropped",
            gone(&killed_id),
        )
        .await;
        assert_eq!(ids(&quick.borrow()), [staying_id.as_str()]);
        assert!(
            ids(&slow.borrow()).contains(&killed_id.as_str()),
            "a killed node says no goodbye: only checking it drops it"
        );
        drop(staying);
    });
}

#[test]
fn a_malformed_announcement_is_ignored_with_a_log_line() {
    if !inside("a_malformed_announcement_is_ignored_with_a_log_line") {
        return;
    }
    run(async {
        let bad = bare_daemon();
        let mut huge = br#"{"Service":"greeter","Version":""#.to_vec();
        huge.extend(std::iter::repeat_n(b'1', 1 << 20));
        huge.extend(br#""}"#);
        let cases: Vec<(&str, Vec<String>)> = vec![
            ("bad-hex", vec!["not hex!".to_string()]),
            ("bad-zlib", vec!["68656c6c6f".to_string()]),
            (
                "wrong-types",
                go_micro_pack(br#"{"Service":5,"Version":["1"]}"#),
            ),
            ("huge", go_micro_pack(&huge)),
            ("no-txt", vec![]),
        ];
        for (instance, strings) in &cases {
            announce(&bad, "greeter", instance, strings, 1);
        }
        let good = server("greeter").await;

        let output = within(
            "the client's calls",
            tokio::process::Command::new(BINARY)
                .args([
                    "--registry",
                    "mdns",
                    "client",
                    "--calls",
                    "3",
                    "--every",
                    "300",
                ])
                .output(),
        )
        .await
        .expect("run the client");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}\n{stderr}");
        assert_eq!(stdout.lines().count(), 3, "{stdout}");
        for (instance, _) in &cases {
            assert!(
                stderr.contains(&format!("ignoring the mDNS announcement of {instance}.")),
                "no log line for {instance}:\n{stderr}"
            );
        }
        let watcher = registry(LONG_TTL);
        let services = within("list_services", watcher.list_services())
            .await
            .unwrap();
        assert_eq!(services, ["greeter"]);
        let nodes = within("get_service", watcher.get_service("greeter"))
            .await
            .unwrap();
        assert_eq!(ids(&nodes), [node_id("greeter", &good)]);
    });
}

#[test]
fn a_node_announced_as_go_micro_announces_it_is_called() {
    if !inside("a_node_announced_as_go_micro_announces_it_is_called") {
        return;
    }
    run(async {
        let greeter = Greeter::start("behind-go-micro").await;
        let port: u16 = greeter
            .node
            .address
            .rsplit_once(':')
            .unwrap()
            .1
            .parse()
            .unwrap();
        // go-micro's instance is the node's id, its TXT go-micro's own strings, byte for byte.
        let go_micro = bare_daemon();
        let strings: Vec<String> = GREETER_TXT.iter().map(|s| s.to_string()).collect();
        announce(
            &go_micro,
            "go.micro.srv.greeter",
            GREETER_NODE_ID,
            &strings,
            port,
        );

        let registry = Arc::new(registry(LONG_TTL));
        let client = MicroClient::new(registry, Box::new(RoundRobin::default()));
        let (node, reply) = within("a call", async {
            loop {
                match client.say_hello("go.micro.srv.greeter", "Ada").await {
                    Ok(answer) => return answer,
                    Err(status) => eprintln!("not yet: {status:?}"),
                }
            }
        })
        .await;
        assert_eq!(node.id, GREETER_NODE_ID);
        assert_eq!(node.address, greeter.node.address);
        assert_eq!(node.version, "latest", "the version is the TXT record's");
        assert!(reply.starts_with("Hello Ada"), "{reply}");
    });
}

#[test]
fn go_micros_client_takes_the_answer_of_a_node_of_this_lesson() {
    if !inside("go_micros_client_takes_the_answer_of_a_node_of_this_lesson") {
        return;
    }
    run(async {
        let server = server("greeter").await;
        // Ask as go-micro's GetService asks, and read every answer by go-micro's rule.
        let asked = wire::service_name("greeter");
        let socket = micro::registry::mdns::socket::own(std::net::Ipv4Addr::LOCALHOST).unwrap();
        socket
            .send_to(
                &wire::query(7, &asked),
                std::net::SocketAddr::from(wire::GROUP),
            )
            .await
            .unwrap();
        let mut buffer = vec![0u8; 9001];
        let id = node_id("greeter", &server);
        let entry = within("an answer go-micro takes", async {
            loop {
                let (length, _) = socket.recv_from(&mut buffer).await.unwrap();
                if let Some(entry) = go_micro_reads(&buffer[..length], &asked) {
                    return entry;
                }
            }
        })
        .await;
        // go-micro takes the id from the name, the address from SRV and A.
        assert_eq!(entry.name, format!("{id}.greeter.micro"));
        assert_eq!(entry.port, server.addr().port());
        assert_eq!(entry.ip, Some(std::net::Ipv4Addr::LOCALHOST));
        assert_eq!(
            go_micro_unpack(&entry.txt.unwrap()),
            PLAIN_TXT_JSON.as_bytes()
        );
    });
}

#[path = "mdns/flood.rs"]
mod flood;
