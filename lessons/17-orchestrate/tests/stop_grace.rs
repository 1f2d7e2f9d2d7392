//! `orchestrate.grace`: deregister at the signal, answer the callers who have not heard for
//! `forget`, then drain — gone before SIGKILL, and at once on a second signal.
//!
//! The clock is tokio's, paused: the waits take no real time, and the fakes record when each
//! thing happened, to the millisecond, counted from the signal.

use std::future::Future;
use std::time::Duration;

use l17_orchestrate::exercises::grace::{Plan, Registry, Server, Stopped, TooShort, stop};
use tokio::time::{Instant, sleep, sleep_until};

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// How the fake registry answers a deregistration.
#[derive(Clone, Copy)]
enum Answer {
    After(Duration),
    Fails,
    Never,
}

struct FakeRegistry {
    start: Instant,
    answer: Answer,
    asked_at: Option<Duration>,
}

impl FakeRegistry {
    fn new(answer: Answer) -> FakeRegistry {
        FakeRegistry {
            start: Instant::now(),
            answer,
            asked_at: None,
        }
    }
}

impl Registry for FakeRegistry {
    async fn deregister(&mut self) -> anyhow::Result<()> {
        self.asked_at = Some(self.start.elapsed());
        match self.answer {
            Answer::After(takes) => {
                sleep(takes).await;
                Ok(())
            }
            Answer::Fails => anyhow::bail!("etcd: connection refused"),
            Answer::Never => std::future::pending().await,
        }
    }
}

/// A server whose callers send the calls given: (sent at, takes), from the signal. A call sent
/// once the server has stopped accepting is refused.
struct FakeServer {
    start: Instant,
    calls: Vec<(Duration, Duration)>,
    stopped_at: Option<Duration>,
}

impl FakeServer {
    fn new(calls: &[(Duration, Duration)]) -> FakeServer {
        FakeServer {
            start: Instant::now(),
            calls: calls.to_vec(),
            stopped_at: None,
        }
    }

    fn taken(&self) -> impl Iterator<Item = &(Duration, Duration)> {
        let stopped_at = self.stopped_at.unwrap_or(Duration::MAX);
        self.calls.iter().filter(move |(at, _)| *at < stopped_at)
    }

    fn refused(&self) -> usize {
        self.calls.len() - self.taken().count()
    }
}

impl Server for FakeServer {
    fn stop_accepting(&mut self) {
        self.stopped_at.get_or_insert(self.start.elapsed());
    }

    fn in_flight(&self) -> usize {
        let now = self.start.elapsed();
        self.taken()
            .filter(|(at, takes)| *at <= now && now < *at + *takes)
            .count()
    }

    fn drained(&self) -> impl Future<Output = ()> {
        let last_end = self.taken().map(|(at, takes)| *at + *takes).max();
        let (start, stopped) = (self.start, self.stopped_at.is_some());
        async move {
            if !stopped {
                // Still accepting: a new call may come at any time.
                return std::future::pending().await;
            }
            sleep_until(start + last_end.unwrap_or_default()).await;
        }
    }
}

/// Runs the stop from the signal, and says when it ended; an hour of the paused clock is its
/// deadline.
async fn run(
    plan: &Plan,
    registry: &mut FakeRegistry,
    server: &mut FakeServer,
    again: impl Future<Output = ()>,
) -> (Stopped, Duration) {
    let start = Instant::now();
    let stopped = tokio::time::timeout(secs(3600), stop(plan, registry, server, again))
        .await
        .expect("the stop did not end within an hour of the signal");
    (stopped, start.elapsed())
}

/// 30 s of grace, 5 s for callers to forget, calls of up to 20 s, 3 s of margin.
fn plan() -> Plan {
    Plan::new(secs(30), secs(5), secs(20), secs(3)).expect("5 + 20 + 3 fit in 30")
}

#[test]
fn a_grace_period_too_short_is_refused_naming_the_numbers() {
    let refused = Plan::new(secs(10), secs(5), secs(4), secs(2)).unwrap_err();
    assert_eq!(
        refused,
        TooShort {
            grace: secs(10),
            needed: secs(11),
            forget: secs(5),
            slowest_call: secs(4),
            margin: secs(2),
        }
    );
    let message = refused.to_string();
    assert!(
        message.contains("10s") && message.contains("11s"),
        "the refusal says the grace period and what is needed: {message}"
    );
    assert!(
        Plan::new(secs(11), secs(5), secs(4), secs(2)).is_ok(),
        "a stop that fits exactly fits"
    );
    let huge = Plan::new(secs(30), secs(5), Duration::MAX, secs(2));
    assert!(
        huge.is_err(),
        "a call that may take forever fits in no grace period"
    );
}

#[tokio::test(start_paused = true)]
async fn callers_who_have_not_heard_are_still_answered() {
    let mut registry = FakeRegistry::new(Answer::After(ms(50)));
    let calls = [(secs(1), secs(1)), (ms(4900), secs(2))];
    let mut server = FakeServer::new(&calls);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, std::future::pending()).await;
    assert_eq!(
        registry.asked_at,
        Some(Duration::ZERO),
        "the registry is told at the signal"
    );
    assert_eq!(
        server.stopped_at,
        Some(secs(5)),
        "the server takes calls until the callers have forgotten it, and stops then"
    );
    assert_eq!(server.refused(), 0, "a call sent before then was refused");
    assert_eq!(
        stopped,
        Stopped {
            deregistered: true,
            abandoned: 0,
            hurried: false
        }
    );
    assert_eq!(
        took,
        ms(6900),
        "the stop ends when the last call does, not later"
    );
}

#[tokio::test(start_paused = true)]
async fn no_call_in_flight_is_no_reason_to_leave_before_callers_forget() {
    let mut registry = FakeRegistry::new(Answer::After(Duration::ZERO));
    let mut server = FakeServer::new(&[]);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, std::future::pending()).await;
    assert_eq!(server.stopped_at, Some(secs(5)));
    assert_eq!(
        took,
        secs(5),
        "nothing in flight: the stop ends as it stops accepting"
    );
    assert_eq!(stopped.abandoned, 0);
}

#[tokio::test(start_paused = true)]
async fn a_call_that_never_ends_is_left_before_sigkill() {
    let mut registry = FakeRegistry::new(Answer::After(ms(10)));
    let mut server = FakeServer::new(&[(secs(4), secs(600))]);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, std::future::pending()).await;
    assert_eq!(
        took,
        secs(27),
        "the stop must end at the grace period less its margin"
    );
    assert_eq!(
        stopped,
        Stopped {
            deregistered: true,
            abandoned: 1,
            hurried: false
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_registry_that_never_answers_costs_no_time() {
    let mut registry = FakeRegistry::new(Answer::Never);
    let mut server = FakeServer::new(&[(Duration::ZERO, secs(6))]);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, std::future::pending()).await;
    assert_eq!(registry.asked_at, Some(Duration::ZERO));
    assert_eq!(server.stopped_at, Some(secs(5)));
    assert_eq!(
        took,
        secs(6),
        "the stop ends with its call, whatever the registry does"
    );
    assert!(!stopped.deregistered, "{stopped:?}");
}

#[tokio::test(start_paused = true)]
async fn a_registry_that_fails_does_not_end_the_stop_early() {
    let mut registry = FakeRegistry::new(Answer::Fails);
    let mut server = FakeServer::new(&[(secs(2), secs(1))]);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, std::future::pending()).await;
    assert_eq!(server.stopped_at, Some(secs(5)));
    assert_eq!(server.refused(), 0, "a call sent before then was refused");
    assert_eq!(took, secs(5));
    assert!(!stopped.deregistered, "{stopped:?}");
}

#[tokio::test(start_paused = true)]
async fn a_second_signal_ends_the_stop_at_once_while_callers_forget() {
    let mut registry = FakeRegistry::new(Answer::After(ms(10)));
    let mut server = FakeServer::new(&[(Duration::ZERO, secs(10))]);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, sleep(secs(2))).await;
    assert_eq!(took, secs(2), "the second signal came at 2 s");
    assert_eq!(
        stopped,
        Stopped {
            deregistered: true,
            abandoned: 1,
            hurried: true
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_second_signal_ends_the_stop_at_once_while_it_drains() {
    let mut registry = FakeRegistry::new(Answer::After(ms(10)));
    let mut server = FakeServer::new(&[(secs(1), secs(20))]);
    let (stopped, took) = run(&plan(), &mut registry, &mut server, sleep(secs(7))).await;
    assert_eq!(took, secs(7), "the second signal came at 7 s");
    assert_eq!(server.stopped_at, Some(secs(5)));
    assert!(stopped.hurried && stopped.abandoned == 1, "{stopped:?}");
}
