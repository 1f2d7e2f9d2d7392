//! `orchestrate.update-policy`: an `update_config` that keeps the call history clean, checked
//! by the constraints it must meet, not against one answer.

use std::time::Duration;

use l17_orchestrate::exercises::update_policy::{
    FailureAction, HealthCheck, Order, Refusal, Service, UpdateConfig, update_config,
};

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

/// The course's captcha service: three replicas, two carry the load, five nodes, no port of
/// its own on the nodes, a health check of Docker's kind, callers that look again every 10 s.
fn captcha() -> Service {
    Service {
        replicas: 3,
        needed: 2,
        nodes: 5,
        host_port: false,
        health: Some(HealthCheck {
            interval: secs(2),
            timeout: secs(1),
            start_period: secs(5),
            retries: 3,
        }),
        refresh: secs(10),
        side_by_side: true,
    }
}

/// The course's gateway: a port published in host mode on each of its nodes.
fn gateway(replicas: u32, needed: u32, nodes: u32) -> Service {
    Service {
        replicas,
        needed,
        nodes,
        host_port: true,
        ..captcha()
    }
}

/// The config for `service`, and the constraints every clean one meets.
fn clean(service: &Service) -> UpdateConfig {
    let config = update_config(service)
        .unwrap_or_else(|refusal| panic!("{service:?} was refused: {refusal}"));
    assert!(
        config.parallelism >= 1,
        "parallelism 0 updates every replica at once: {config:?}"
    );
    assert!(
        config.delay >= service.refresh,
        "a batch every {:?}, while callers look at the registry every {:?}: {config:?}",
        config.delay,
        service.refresh
    );
    let health = service.health.expect("a service with a health check");
    // The swarm counts a new replica as started once its check passes: the start period is
    // behind it when the monitor begins. What the monitor must see is a replica going bad
    // after that: `retries` failing probes in a row, each to its timeout, then the interval.
    let seen = (health.interval + health.timeout) * health.retries;
    assert!(
        config.monitor >= seen,
        "a replica that turns unhealthy is seen after up to {seen:?} of failing probes, the monitor is {:?}: {config:?}",
        config.monitor
    );
    assert_eq!(
        config.failure_action,
        FailureAction::Rollback,
        "a failed update must undo itself: {config:?}"
    );
    assert!(
        (0.0..1.0 / f64::from(service.replicas)).contains(&config.max_failure_ratio),
        "with {} replicas, a ratio of {} lets a failed replica pass: {config:?}",
        service.replicas,
        config.max_failure_ratio
    );
    if config.order == Order::StopFirst {
        assert!(
            config.parallelism <= service.replicas - service.needed.max(1),
            "stopping {} of {} leaves fewer than the {} needed: {config:?}",
            config.parallelism,
            service.replicas,
            service.needed
        );
    }
    if config.order == Order::StartFirst && service.host_port {
        assert!(
            config.parallelism <= service.nodes - service.replicas,
            "{} new replicas need as many nodes without one, and there are {}: {config:?}",
            config.parallelism,
            service.nodes - service.replicas
        );
    }
    config
}

#[test]
fn a_service_without_a_port_on_its_nodes_starts_the_new_replica_first() {
    let config = clean(&captcha());
    assert_eq!(config.order, Order::StartFirst, "{config:?}");
}

#[test]
fn a_single_replica_starts_its_successor_first() {
    let one = Service {
        replicas: 1,
        needed: 1,
        ..captcha()
    };
    let config = clean(&one);
    assert_eq!(
        config.order,
        Order::StartFirst,
        "stopping the only replica first is an outage: {config:?}"
    );
}

#[test]
fn the_monitor_covers_each_failing_probe_to_its_timeout() {
    let slow = Service {
        health: Some(HealthCheck {
            interval: secs(5),
            timeout: secs(4),
            start_period: secs(30),
            retries: 5,
        }),
        ..captcha()
    };
    clean(&slow);
    let quick = Service {
        health: Some(HealthCheck {
            interval: secs(1),
            timeout: Duration::from_millis(500),
            start_period: Duration::ZERO,
            retries: 1,
        }),
        refresh: secs(1),
        ..captcha()
    };
    clean(&quick);
}

#[test]
fn a_failure_ratio_that_tolerates_one_replica_in_twelve_is_too_much() {
    let many = Service {
        replicas: 12,
        needed: 8,
        nodes: 12,
        ..captcha()
    };
    clean(&many);
}

#[test]
fn a_port_in_host_mode_starts_first_only_on_a_free_node() {
    let spare = clean(&gateway(2, 1, 3));
    assert_eq!(
        spare.order,
        Order::StartFirst,
        "a node without a gateway can take the new one: {spare:?}"
    );
    let full = clean(&gateway(3, 2, 3));
    assert_eq!(
        full.order,
        Order::StopFirst,
        "every node's port is taken: the new gateway cannot start beside the old: {full:?}"
    );
}

#[test]
fn no_room_to_replace_a_replica_is_refused() {
    for (replicas, needed, nodes) in [(3, 3, 3), (1, 1, 1), (1, 0, 1), (4, 2, 3), (2, 3, 5)] {
        let service = gateway(replicas, needed, nodes);
        assert_eq!(
            update_config(&service),
            Err(Refusal::NoRoom {
                replicas,
                needed,
                nodes
            }),
            "{replicas} gateways on {nodes} nodes with {needed} needed"
        );
    }
}

#[test]
fn two_versions_that_cannot_answer_together_are_refused_whatever_the_order() {
    for replicas in [1, 3] {
        let service = Service {
            replicas,
            needed: 1,
            side_by_side: false,
            ..captcha()
        };
        assert_eq!(
            update_config(&service),
            Err(Refusal::TwoVersions),
            "{replicas} replicas: one at a time still runs both versions"
        );
    }
}

#[test]
fn no_health_check_is_refused() {
    let blind = Service {
        health: None,
        ..captcha()
    };
    assert_eq!(update_config(&blind), Err(Refusal::NoHealthCheck));
}
