//! A srv started before its registry answers, told to be patient (`--registry-wait`, as the
//! lab's hosts start it): its first try, the subscription to its topic, is refused, and it
//! tries again, subscribes and registers instead of exiting.

use std::path::Path;

use micro::registry::{Node, Nodes, Registry};
use testkit::{ConsulAgent, within};

use crate::LASTING;
use crate::program::api::registry;
use crate::program::scaffold::{run, subscribers_of, up_after_one_refusal};

/// `bin`'s `greeter-srv` in `namespace`, on `agent` behind a listener that refuses its first
/// connection. `consul` is a client of the same agent, `brokers` its watch of the HTTP
/// broker's subscribers (the srv's topic is its name). The srvs started before may still be
/// listed until their registrations expire: the new one is the node with a new id, under
/// the srv's name and among the topic's subscribers.
pub async fn a_srv_waits_for_its_registry(
    agent: &ConsulAgent,
    consul: &dyn Registry,
    mut brokers: Nodes,
    bin: &Path,
    namespace: &str,
) {
    let name = format!("{namespace}.srv.greeter");
    let topic = name.clone();
    let ids =
        |nodes: &[Node]| -> Vec<String> { nodes.iter().map(|node| node.id.clone()).collect() };
    let mut nodes = consul.watch(&name).await.unwrap();
    let listed = within(&name, nodes.wait_for(|_| true)).await;
    let listed = ids(&listed.unwrap());
    let subscribed = ids(&subscribers_of(&topic, &brokers.borrow()));

    let late = up_after_one_refusal(agent.url().trim_start_matches("http://")).await;
    let mut patient = registry("consul", &format!("http://{late}"), LASTING);
    patient.extend(["--registry-wait", "60s"].map(String::from));
    let srv = run(&bin.join("greeter-srv"), &patient).await;
    srv.logged("trying again").await;

    let new_node =
        |nodes: &Vec<Node>, known: &[String]| nodes.iter().any(|n| !known.contains(&n.id));
    let found = within(&name, nodes.wait_for(|nodes| new_node(nodes, &listed))).await;
    found.unwrap_or_else(|_| panic!("the watch of {name} ended"));
    let subscription =
        brokers.wait_for(|nodes| new_node(&subscribers_of(&topic, nodes), &subscribed));
    let subscription = within("the patient srv's subscription", subscription).await;
    subscription.expect("the watch of micro.http.broker ended");
}
