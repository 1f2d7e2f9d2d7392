//! Exercise `register.two-instances`: `cargo test -p l06-register --test two_instances`.
//!
//! Two instances of one service on one machine both pass and both are found; the same
//! instance registered again (a restart) replaces its entry; and the agent can still be
//! read with consulrs (no IP literal was registered as an address).

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use l06_register::exercises::two_instances::register_instance;
use testkit::within;

const INTERVAL: Duration = Duration::from_secs(1);

#[tokio::test]
async fn two_instances_on_one_machine_are_both_found() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("two");
    // Listening is enough for a TCP check: the kernel accepts connections for us.
    let (_first, a) = support::listener().await;
    let (_second, b) = support::listener().await;

    let id_a = within(
        "registering the first instance",
        register_instance(&client, &name, a, INTERVAL),
    )
    .await
    .expect("register the first instance");
    let id_b = within(
        "registering the second instance",
        register_instance(&client, &name, b, INTERVAL),
    )
    .await
    .expect("register the second instance");
    assert_ne!(
        id_a, id_b,
        "two instances got one ID: the second replaced the first"
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
        assert!(
            entry.checks.iter().any(|check| check.kind == "tcp"),
            "{} should have a TCP check, has {:?}",
            entry.service.id,
            entry.checks
        );
    }

    support::deregister(&client, &id_a).await;
    support::deregister(&client, &id_b).await;
}

#[tokio::test]
async fn a_restarted_instance_replaces_its_old_entry() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("restart");
    let (_first, a) = support::listener().await;
    let (_second, b) = support::listener().await;

    let id_a = register_instance(&client, &name, a, INTERVAL)
        .await
        .expect("register");
    let id_b = register_instance(&client, &name, b, INTERVAL)
        .await
        .expect("register");
    // The first instance restarts on the same port and registers again.
    let id_again = register_instance(&client, &name, a, INTERVAL)
        .await
        .expect("register again");
    assert_eq!(
        id_again, id_a,
        "a restarted instance should get its old ID back"
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

    // consulrs 0.1.0 cannot read the agent's services once one has TaggedAddresses.
    within(
        "consulrs's service list",
        consulrs::service::list(&client, None),
    )
    .await
    .expect("consulrs can still read the agent's services");

    support::deregister(&client, &id_a).await;
    support::deregister(&client, &id_b).await;
}
