//! The mDNS registry on a network of its own: each test runs inside a network namespace
//! that holds only a loopback interface (`support/netns.rs`), so that no multicast leaves
//! the machine. Services are the lesson's binary, run as real processes.

use crate::program;
use crate::support;

use std::sync::Arc;

use micro::client::MicroClient;
use micro::registry::{Node, Registry};
use micro::selector::RoundRobin;
use program::mdns::{LONG_TTL, SHORT_TTL, ids, node_id, registry, run, server, until};
use support::netns::inside;
use support::{node, tally};
use testkit::within;

#[test]
fn register_watch_and_deregister() {
    if !inside("mdns::register_watch_and_deregister") {
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
    if !inside("mdns::three_instances_are_found_and_called") {
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
    if !inside("mdns::a_node_that_leaves_and_a_node_killed_are_dropped") {
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
        leaving.exits_cleanly_within(testkit::PATIENCE).await;
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
        killed.exits_within(testkit::PATIENCE).await;
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

// What go-micro announces and reads, and what neither should take.
#[path = "mdns/go_micro.rs"]
mod go_micro;

#[path = "mdns/flood.rs"]
mod flood;
