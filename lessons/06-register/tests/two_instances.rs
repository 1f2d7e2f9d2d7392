//! Exercise `register.two-instances`: `cargo test -p l06-register --test two_instances`.
//!
//! Two instances of one service both pass and both are found, each with a TCP check whose ID
//! is its own and names it, and each found by its tag; two services whose instances share an
//! instance name do not replace each other; the same instance registered again (a restart on
//! another port, with a new tag) replaces its entry, its port, its tags and its check; and
//! the agent can still be read with consulrs (no IP literal was registered).

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use consul_ext::Check;
use l06_register::exercises::two_instances::{Registered, register_instance};
use testkit::within;

const INTERVAL: Duration = Duration::from_secs(1);

/// Every check of `name`'s instances, as the agent reports them now.
async fn checks(agent: &str, name: &str) -> Vec<Check> {
    support::checks_of(agent, name, 0, Duration::ZERO).await.0
}

/// The instance IDs of `name` that pass and carry `tag`.
async fn passing_with_tag(agent: &str, name: &str, tag: &str) -> BTreeSet<String> {
    let found = within(
        "the health query with ?tag=",
        consul_ext::watch_healthy_instances(agent, name, Some(tag), 0, Duration::ZERO),
    )
    .await
    .expect("the health query");
    found.entries.into_iter().map(|e| e.service.id).collect()
}

#[tokio::test]
async fn two_instances_each_with_its_own_check_and_tags() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("two");
    // Listening is enough for a TCP check: the kernel accepts connections for us.
    let (_first, a) = support::listener().await;
    let (_second, b) = support::listener().await;

    let first = within(
        "registering the first instance",
        register_instance(&client, &name, "1", a, INTERVAL, &["v1"]),
    )
    .await
    .expect("register the first instance");
    let second = within(
        "registering the second instance",
        register_instance(&client, &name, "2", b, INTERVAL, &["v2"]),
    )
    .await
    .expect("register the second instance");
    assert_ne!(
        first.id, second.id,
        "two instances got one ID: the second replaced the first"
    );
    assert_ne!(
        first.check_id, second.check_id,
        "check IDs are unique on the whole agent: two instances, two check IDs"
    );

    let passing = support::wait_for_passing(agent.url(), &name, 2).await;
    let ports: BTreeSet<u16> = passing.iter().map(|entry| entry.service.port).collect();
    assert_eq!(
        ports,
        BTreeSet::from([a.port(), b.port()]),
        "each instance with its own port"
    );
    for entry in &passing {
        assert!(
            entry.service.address.parse::<std::net::IpAddr>().is_err(),
            "{} registered the IP literal {:?}: use a host name such as localhost",
            entry.service.id,
            entry.service.address
        );
    }

    let checks = checks(agent.url(), &name).await;
    for Registered { id, check_id } in [&first, &second] {
        assert!(
            check_id.contains(id.as_str()),
            "the check ID {check_id:?} should name its instance {id:?}"
        );
        let mine: Vec<&Check> = checks.iter().filter(|c| &c.check_id == check_id).collect();
        assert_eq!(
            mine.len(),
            1,
            "the agent should hold one check {check_id:?}; it holds {checks:?}"
        );
        assert_eq!(&mine[0].service_id, id, "{check_id} belongs to {id}");
        assert_eq!(mine[0].kind, "tcp", "{check_id} should be a TCP check");
    }

    assert_eq!(
        passing_with_tag(agent.url(), &name, "v1").await,
        BTreeSet::from([first.id.clone()]),
        "?tag=v1 finds the first instance only"
    );
    assert_eq!(
        passing_with_tag(agent.url(), &name, "v2").await,
        BTreeSet::from([second.id.clone()]),
        "?tag=v2 finds the second instance only"
    );

    support::deregister(&client, &first.id).await;
    support::deregister(&client, &second.id).await;
}

#[tokio::test]
async fn two_services_may_share_an_instance_name() {
    let (agent, client) = support::consul().await;
    let web = support::unique_name("web");
    let api = support::unique_name("api");
    let (_first, a) = support::listener().await;
    let (_second, b) = support::listener().await;

    let one_of_web = register_instance(&client, &web, "1", a, INTERVAL, &["v1"])
        .await
        .expect("register the first instance");
    let one_of_api = register_instance(&client, &api, "1", b, INTERVAL, &["v1"])
        .await
        .expect("register the second instance");
    assert_ne!(
        one_of_web.id, one_of_api.id,
        "service IDs are unique on the whole agent: instance 1 of two services, two IDs"
    );
    assert_ne!(
        one_of_web.check_id, one_of_api.check_id,
        "check IDs are unique on the whole agent: two instances, two check IDs"
    );
    for (name, port) in [(&web, a.port()), (&api, b.port())] {
        let passing = support::wait_for_passing(agent.url(), name, 1).await;
        assert_eq!(
            passing[0].service.port, port,
            "{name} keeps its own instance 1"
        );
    }

    support::deregister(&client, &one_of_web.id).await;
    support::deregister(&client, &one_of_api.id).await;
}

#[tokio::test]
async fn a_restarted_instance_replaces_its_entry_port_tags_and_check() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("restart");
    let (first_listener, a) = support::listener().await;
    let (_second, b) = support::listener().await;

    let first = register_instance(&client, &name, "1", a, INTERVAL, &["v1"])
        .await
        .expect("register");
    let second = register_instance(&client, &name, "2", b, INTERVAL, &["v1"])
        .await
        .expect("register");
    // Instance 1 restarts, gets another port, now runs v2, and registers again.
    drop(first_listener);
    let (_restarted, c) = support::listener().await;
    let again = register_instance(&client, &name, "1", c, INTERVAL, &["v2"])
        .await
        .expect("register again");
    assert_eq!(
        again, first,
        "a restarted instance should get its old ID and check ID back, whatever its port"
    );

    let everything = l06_register::catalog::all_instances(agent.url(), &name)
        .await
        .expect("the health query");
    let ids: Vec<&str> = everything.iter().map(|e| e.service.id.as_str()).collect();
    assert_eq!(
        ids.len(),
        2,
        "two instances, not a ghost beside the restarted one: {ids:?}"
    );
    let restarted = everything
        .iter()
        .find(|e| e.service.id == first.id)
        .expect("the restarted instance is registered");
    assert_eq!(
        restarted.service.port,
        c.port(),
        "the restarted instance is found on its new port"
    );
    assert_eq!(
        restarted.service.tags,
        ["v2"],
        "the new registration's tags replace the old ones"
    );
    let checks = checks(agent.url(), &name).await;
    assert_eq!(
        checks.len(),
        2,
        "one check per instance, no stale one beside the restarted instance's: {checks:?}"
    );

    // consulrs 0.1.0 cannot read the agent's services once one has TaggedAddresses.
    within(
        "consulrs's service list",
        consulrs::service::list(&client, None),
    )
    .await
    .expect("consulrs can still read the agent's services");

    support::deregister(&client, &first.id).await;
    support::deregister(&client, &second.id).await;
}
