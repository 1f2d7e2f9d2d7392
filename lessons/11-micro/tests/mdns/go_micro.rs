//! The mDNS registry and go-micro's records: an announcement that is not one is ignored with
//! a log line, a node announced as go-micro announces it is called, and go-micro's client
//! takes the answer of a node of this lesson.

use std::sync::Arc;

use micro::client::MicroClient;
use micro::registry::Registry;
use micro::registry::mdns::wire;
use micro::selector::RoundRobin;
use testkit::within;

use crate::program::BINARY;
use crate::program::mdns::{LONG_TTL, announce, bare_daemon, ids, node_id, registry, run, server};
use crate::support::Greeter;
use crate::support::go_micro::{
    GREETER_NODE_ID, GREETER_TXT, PLAIN_TXT_JSON, go_micro_pack, go_micro_unpack,
};
use crate::support::go_micro_mdns::go_micro_reads;
use crate::support::netns::inside;

#[test]
fn a_malformed_announcement_is_ignored_with_a_log_line() {
    if !inside("mdns::go_micro::a_malformed_announcement_is_ignored_with_a_log_line") {
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

        let mut command = std::process::Command::new(BINARY);
        command.args([
            "--registry",
            "mdns",
            "client",
            "--calls",
            "3",
            "--every",
            "300",
        ]);
        let output =
            testkit::output_within_async("the client's calls", command, testkit::PATIENCE).await;
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
    if !inside("mdns::go_micro::a_node_announced_as_go_micro_announces_it_is_called") {
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
    if !inside("mdns::go_micro::go_micros_client_takes_the_answer_of_a_node_of_this_lesson") {
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
