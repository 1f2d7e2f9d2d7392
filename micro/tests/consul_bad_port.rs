//! A Consul catalog with a registration no `u16` can hold (`Port: 70000` or `-1`: the agent
//! takes any integer, as Consul does) beside two good nodes. The client lists and calls the
//! good nodes; the bad entry is skipped, not fatal, and never reported as an agent that
//! "did not answer".

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Greeter, unique_service};
use micro::client::MicroClient;
use micro::registry::Registry as _;
use micro::registry::consul::ConsulRegistry;
use micro::selector::RoundRobin;
use testkit::within;

#[tokio::test]
async fn a_node_with_a_port_out_of_range_is_skipped_and_the_good_ones_are_called() {
    let agent = testkit::consul().await;
    let service = unique_service("bad-port");
    let registry = Arc::new(ConsulRegistry::new(agent.url(), Duration::from_secs(5)).unwrap());
    let greeters = [Greeter::start("a").await, Greeter::start("b").await];
    for greeter in &greeters {
        within("register", registry.register(&service, &greeter.node))
            .await
            .expect("registered");
    }
    for (id, port) in [("big", 70000), ("negative", -1)] {
        let id = format!("{service}-{id}");
        testkit::catalog::register_with_port(agent.url(), &service, &id, port).await;
    }

    let mut good: Vec<String> = greeters.iter().map(|g| g.node.address.clone()).collect();
    good.sort();
    let listed = within("get_service", registry.get_service(&service))
        .await
        .expect("one bad entry is not fatal to the list");
    let mut addresses: Vec<String> = listed.into_iter().map(|node| node.address).collect();
    addresses.sort();
    assert_eq!(addresses, good);

    let client = MicroClient::new(registry.clone(), Box::new(RoundRobin::default()));
    let nodes = within("the client's nodes", client.nodes(&service))
        .await
        .expect("the watch starts despite the bad entry");
    assert_eq!(nodes.len(), 2, "{nodes:?}");
    for _ in 0..6 {
        let (node, _reply) = within("a call", client.say_hello(&service, "Ada"))
            .await
            .expect("the good nodes answer");
        assert!(good.contains(&node.address), "{node:?}");
    }
    for greeter in &greeters {
        let _ = registry.deregister(&service, &greeter.node).await;
    }
}
