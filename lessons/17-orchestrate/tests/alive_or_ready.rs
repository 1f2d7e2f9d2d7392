//! `orchestrate.ready`: alive unless the event loop is stuck; ready only when registered,
//! Redis reached, not draining — with a grace before a dependency counts as lost, and a steady
//! stretch before a lost one is trusted again.

use std::time::Duration;

use l17_orchestrate::exercises::ready::{
    Dependency, Facts, LOST_AFTER, Probe, Reason, STEADY_FOR, STUCK_AFTER,
};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A replica at `now` (ms) whose loop ticked, registry and Redis answered just now.
fn healthy(now: u64) -> Facts {
    Facts {
        now: ms(now),
        last_tick: ms(now),
        registered: Some(ms(now)),
        redis: Some(ms(now)),
        draining_since: None,
    }
}

#[test]
fn a_replica_is_ready_only_once_registered() {
    let mut probe = Probe::new();
    let starting = Facts {
        registered: None,
        ..healthy(200)
    };
    let health = probe.check(&starting);
    assert_eq!(health.alive, Ok(()), "a replica starting up is alive");
    assert_eq!(
        health.ready,
        Err(Reason::NotYet(Dependency::Registry)),
        "a replica not registered yet is no use to a rolling update"
    );
    let health = probe.check(&healthy(400));
    assert_eq!(
        health.ready,
        Ok(()),
        "first registration and Redis reached: ready at once"
    );
}

#[test]
fn liveness_does_not_ask_the_dependencies() {
    let mut probe = Probe::new();
    probe.check(&healthy(1000));
    // Redis and the registry gone for a minute: every replica sees the same, and restarting
    // them all at once mends nothing.
    let cut_off = Facts {
        registered: Some(ms(1000)),
        redis: Some(ms(1000)),
        ..healthy(61_000)
    };
    let health = probe.check(&cut_off);
    assert_eq!(
        health.alive,
        Ok(()),
        "a replica whose dependencies are down is alive"
    );
    assert_eq!(
        health.ready,
        Err(Reason::Lost {
            dependency: Dependency::Registry,
            quiet: ms(60_000)
        }),
        "the registry is named first, with how long it has been quiet"
    );
}

#[test]
fn a_stuck_loop_is_not_alive_and_not_ready() {
    let mut probe = Probe::new();
    let at_the_edge = Facts {
        last_tick: ms(5000),
        ..healthy(5000 + STUCK_AFTER.as_millis() as u64)
    };
    assert_eq!(
        probe.check(&at_the_edge).alive,
        Ok(()),
        "quiet for exactly STUCK_AFTER is not longer than it"
    );
    let stuck = Facts {
        last_tick: ms(5000),
        ..healthy(5001 + STUCK_AFTER.as_millis() as u64)
    };
    let health = probe.check(&stuck);
    let quiet = STUCK_AFTER + ms(1);
    assert_eq!(health.alive, Err(Reason::Stuck { quiet }));
    assert_eq!(
        health.ready,
        Err(Reason::Stuck { quiet }),
        "a stuck loop answers no call"
    );
}

#[test]
fn a_draining_replica_is_alive_and_not_ready() {
    let mut probe = Probe::new();
    probe.check(&healthy(1000));
    let draining = Facts {
        draining_since: Some(ms(1500)),
        ..healthy(2000)
    };
    let health = probe.check(&draining);
    assert_eq!(
        health.alive,
        Ok(()),
        "killing a draining replica cuts its calls off"
    );
    assert_eq!(health.ready, Err(Reason::Draining));
    let draining_and_cut_off = Facts {
        redis: Some(ms(2000)),
        draining_since: Some(ms(1500)),
        ..healthy(9000)
    };
    assert_eq!(
        probe.check(&draining_and_cut_off).ready,
        Err(Reason::Draining),
        "draining is said before a dependency"
    );
}

#[test]
fn one_slow_round_trip_is_not_a_loss() {
    let mut probe = Probe::new();
    probe.check(&healthy(1000));
    let limit = LOST_AFTER.as_millis() as u64;
    let slow = Facts {
        redis: Some(ms(1000)),
        ..healthy(1000 + limit)
    };
    assert_eq!(
        probe.check(&slow).ready,
        Ok(()),
        "Redis quiet for exactly LOST_AFTER is not lost"
    );
    let lost = Facts {
        redis: Some(ms(1000)),
        ..healthy(1001 + limit)
    };
    assert_eq!(
        probe.check(&lost).ready,
        Err(Reason::Lost {
            dependency: Dependency::Redis,
            quiet: LOST_AFTER + ms(1)
        })
    );
}

#[test]
fn a_lost_dependency_is_trusted_again_only_after_a_steady_stretch() {
    let mut probe = Probe::new();
    probe.check(&healthy(0));
    let lost = Facts {
        redis: Some(ms(0)),
        ..healthy(10_000)
    };
    assert!(probe.check(&lost).ready.is_err());
    // Back at 11 s: every check from here finds Redis reached.
    let steady = STEADY_FOR.as_millis() as u64;
    for now in [11_000, 12_000, 14_000, 11_000 + steady - 1] {
        assert_eq!(
            probe.check(&healthy(now)).ready,
            Err(Reason::Settling {
                dependency: Dependency::Redis,
                steady: ms(now - 11_000)
            }),
            "Redis back since 11 s, checked at {now} ms"
        );
    }
    assert_eq!(
        probe.check(&healthy(11_000 + steady)).ready,
        Ok(()),
        "steady for STEADY_FOR: trusted again"
    );
}

#[test]
fn a_dependency_that_comes_and_goes_keeps_the_replica_out_without_flapping() {
    let mut probe = Probe::new();
    probe.check(&healthy(0));
    // Redis answers in bursts: a check finds it quiet for 4 s, the next reached, and so on.
    let mut answers = Vec::new();
    for round in 1..=6u64 {
        let quiet = Facts {
            redis: Some(ms(round * 8000 - 4000)),
            ..healthy(round * 8000)
        };
        answers.push(probe.check(&quiet).ready.is_ok());
        answers.push(probe.check(&healthy(round * 8000 + 2000)).ready.is_ok());
    }
    assert_eq!(
        answers,
        vec![false; 12],
        "ready after each good check flaps in and out of every caller's view"
    );
}

#[test]
fn a_loss_seen_while_another_reason_answers_is_remembered() {
    let mut probe = Probe::new();
    // Starting: not registered yet, Redis reached at 500 ms...
    let starting = Facts {
        registered: None,
        redis: Some(ms(500)),
        ..healthy(1000)
    };
    assert_eq!(
        probe.check(&starting).ready,
        Err(Reason::NotYet(Dependency::Registry))
    );
    // ... then not for 4.5 s, while the registration still waits.
    let redis_lost = Facts {
        registered: None,
        redis: Some(ms(500)),
        ..healthy(5000)
    };
    assert_eq!(
        probe.check(&redis_lost).ready,
        Err(Reason::NotYet(Dependency::Registry))
    );
    // Registered, and Redis reached again: Redis was lost, so it must settle first.
    assert_eq!(
        probe.check(&healthy(6000)).ready,
        Err(Reason::Settling {
            dependency: Dependency::Redis,
            steady: Duration::ZERO
        }),
        "Redis was lost while the registry was named: the probe must still have seen it"
    );
}

#[test]
fn moments_read_after_now_are_no_time_ago() {
    let mut probe = Probe::new();
    // The tick and Redis's answer were recorded by other tasks just after `now` was read.
    let ahead = Facts {
        now: ms(10_000),
        last_tick: ms(10_002),
        registered: Some(ms(10_001)),
        redis: Some(ms(10_003)),
        draining_since: None,
    };
    let health = probe.check(&ahead);
    assert_eq!(health.alive, Ok(()));
    assert_eq!(health.ready, Ok(()));
}
