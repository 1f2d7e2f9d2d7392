use super::*;

#[test]
fn a_listed_node_is_read_back() {
    let node = parse_node("worker-2 worker 10.17.0.22 true running").unwrap();
    assert_eq!(node.name, "worker-2");
    assert_eq!(node.role, Role::Worker);
    assert_eq!(node.address, Ipv4Addr::new(10, 17, 0, 22));
    assert!(node.gateway && node.running);
    assert_eq!(parse_node("registry   exited"), None);
}

/// A network another take-down removed between `down`'s list and its removal: no
/// failure, as nothing of the lab is left. (Docker itself; skipped where it is missing.)
#[test]
fn a_network_another_take_down_removed_first_is_no_failure() {
    let project = format!("l17race{}", std::process::id());
    let swarm = Swarm::new(crate::swarm::SwarmOptions {
        project: project.clone(),
        subnet_prefix: "10.17.0".to_string(),
        node_image: "l17-node".to_string(),
        service_image: "l17-service".to_string(),
    });
    let Ok(docker) = swarm.docker() else {
        eprintln!("skipped: Docker does not answer here");
        return;
    };
    let network = format!("{project}-lab");
    let label = format!("{PROJECT_LABEL}={project}");
    let docker_ok = |args: &[&str]| run(docker.docker().args(args)).unwrap();
    let made = || {
        docker_ok(&["network", "create", "--label", &label, &network]);
        swarm.labelled(NETWORKS).unwrap()
    };
    let listed = made();
    assert_eq!(listed.len(), 1, "the lab's network is listed");
    // The other take-down, first.
    docker_ok(&["network", "rm", &network]);
    let removed = swarm.remove_listed(NETWORKS, &["network", "rm"], &listed);
    assert!(removed.is_ok(), "a network gone already: {removed:?}");
    // One still there is removed, and one that cannot be removed is an error.
    let listed = made();
    let removed = swarm.remove_listed(NETWORKS, &["network", "rm"], &listed);
    assert!(removed.is_ok() && swarm.labelled(NETWORKS).unwrap().is_empty());
    let listed = made();
    let refused = swarm.remove_listed(NETWORKS, &["network", "rm", "--no-such-flag"], &listed);
    docker_ok(&["network", "rm", &network]);
    assert!(
        refused.is_err(),
        "a removal that failed with the network still there"
    );
}

#[test]
fn what_down_removed_is_counted_in_number() {
    let removed = Removed {
        containers: 6,
        volumes: 1,
        networks: 1,
    };
    assert_eq!(removed.to_string(), "6 containers, 1 volume, 1 network");
}
