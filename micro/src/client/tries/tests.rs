//! The tries of a call on tokio's paused clock: nodes that answer late, never, or with a
//! failure, played by futures that sleep. Time moves only when every task waits, so each
//! instant below is exact.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::selector::RoundRobin;

/// What a node does with a try.
#[derive(Clone, Copy)]
enum Plays {
    /// Answers after this long.
    Answers(Duration),
    /// Never answers.
    Silent,
    /// Turns the call away at once, unprocessed: it never ran (a stream refused).
    Refuses,
    /// Answers `Unavailable` itself after this long: a node that may have done the work.
    SaysUnavailable(Duration),
    /// Answers with a failure of its own after this long: the service's answer.
    Fails(Duration),
}

struct Cluster {
    plays: BTreeMap<&'static str, Plays>,
    /// The tries each node was sent.
    tries: Mutex<BTreeMap<String, usize>>,
}

impl Cluster {
    fn new(plays: &[(&'static str, Plays)]) -> Cluster {
        Cluster {
            plays: plays.iter().copied().collect(),
            tries: Mutex::default(),
        }
    }

    fn nodes(&self) -> Vec<Node> {
        self.plays
            .keys()
            .map(|id| Node {
                id: id.to_string(),
                address: format!("{id}:1"),
                ..Node::default()
            })
            .collect()
    }

    /// One try on `node`: counted, then played.
    fn try_on(&self, node: Node) -> impl Future<Output = Result<String, Status>> + use<> {
        *crate::locks::lock(&self.tries)
            .entry(node.id.clone())
            .or_default() += 1;
        let plays = self.plays[node.id.as_str()];
        async move {
            match plays {
                Plays::Answers(after) => {
                    tokio::time::sleep(after).await;
                    Ok(format!("from {}", node.id))
                }
                Plays::Silent => std::future::pending().await,
                Plays::Refuses => Err(crate::client::wire::not_sent("refused unprocessed")),
                Plays::SaysUnavailable(after) => {
                    tokio::time::sleep(after).await;
                    Err(Status::unavailable("Redis timed out"))
                }
                Plays::Fails(after) => {
                    tokio::time::sleep(after).await;
                    Err(Status::invalid_argument("no such name"))
                }
            }
        }
    }

    fn tries(&self) -> BTreeMap<String, usize> {
        crate::locks::lock(&self.tries).clone()
    }

    /// One call of `Say.Hello` with `tries`: the answer (or failure) and when it came.
    async fn call(&self, tries: &Tries) -> (Result<String, Status>, Duration) {
        let started = Instant::now();
        let deadline = started + tries.policy.deadline;
        let answer = tries
            .call(
                "user",
                Some("Say.Hello"),
                self.nodes(),
                &RoundRobin::default(),
                deadline,
                |node, _until| self.try_on(node),
            )
            .await;
        (answer.map(|(_node, reply)| reply), started.elapsed())
    }
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn counts(counts: &[(&str, usize)]) -> BTreeMap<String, usize> {
    counts.iter().map(|(id, n)| (id.to_string(), *n)).collect()
}

/// A policy with `Say.Hello` declared idempotent by the caller, or not.
fn policy(idempotent: bool) -> Policy {
    Policy {
        deadline: ms(1000),
        per_try: ms(200),
        hedging: Hedging::Off,
        idempotent: idempotent
            .then(|| "Say.Hello".to_string())
            .into_iter()
            .collect(),
    }
}

#[tokio::test(start_paused = true)]
async fn an_idempotent_try_with_no_answer_in_its_time_goes_to_another_node() {
    let cluster = Cluster::new(&[("a", Plays::Silent), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(true));
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!(answer.unwrap(), "from b");
    assert_eq!(took, ms(210), "the per-try timeout, then b's answer");
    assert_eq!(cluster.tries(), counts(&[("a", 1), ("b", 1)]));
    // a is set aside: the next call goes straight to b.
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!((answer.unwrap().as_str(), took), ("from b", ms(10)));
}

#[tokio::test(start_paused = true)]
async fn a_method_declared_by_every_node_is_idempotent_and_by_some_is_not() {
    let tries = Tries::new(policy(false));
    let declaring = Node {
        endpoints: crate::registry::idempotent_endpoints(&["Say.Hello".to_string()]),
        ..Node::default()
    };
    assert!(tries.is_idempotent("Say.Hello", &[declaring.clone(), declaring.clone()]));
    assert!(!tries.is_idempotent("Say.Hello", &[declaring.clone(), Node::default()]));
    assert!(!tries.is_idempotent("Say.Other", &[declaring]));
    assert!(!tries.is_idempotent("Say.Hello", &[]));
}

#[tokio::test(start_paused = true)]
async fn a_call_not_declared_idempotent_is_never_sent_twice_once_it_may_have_run() {
    let cluster = Cluster::new(&[("a", Plays::Silent), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(false));
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!(answer.unwrap_err().code(), tonic::Code::DeadlineExceeded);
    assert_eq!(took, ms(1000), "it waits out the call's whole deadline");
    assert_eq!(cluster.tries(), counts(&[("a", 1)]), "and is sent once");
}

#[tokio::test(start_paused = true)]
async fn a_call_that_cannot_have_run_goes_elsewhere_idempotent_or_not() {
    let cluster = Cluster::new(&[("a", Plays::Refuses), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(false));
    tries.budget.drain();
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!((answer.unwrap().as_str(), took), ("from b", ms(10)));
    assert_eq!(tries.budget.retries(), 0, "a try that never ran is free");
}

#[tokio::test(start_paused = true)]
async fn a_nodes_own_unavailable_may_have_run_and_goes_elsewhere_only_if_idempotent() {
    let plays = [
        ("a", Plays::SaysUnavailable(ms(5))),
        ("b", Plays::Answers(ms(10))),
    ];
    let cluster = Cluster::new(&plays);
    let tries = Tries::new(policy(false));
    let (answer, _) = cluster.call(&tries).await;
    let status = answer.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert_eq!(crate::client::wire::marked_not_run(&status), Some(false));
    assert_eq!(cluster.tries(), counts(&[("a", 1)]), "sent once");

    let cluster = Cluster::new(&plays);
    let tries = Tries::new(policy(true));
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!((answer.unwrap().as_str(), took), ("from b", ms(15)));
    assert_eq!(
        tries.budget.retries(),
        1,
        "a retry after a try that may have run is paid"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_the_budget_refuses_is_said_on_the_failure() {
    let cluster = Cluster::new(&[("a", Plays::Silent), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(true));
    tries.budget.drain();
    let (answer, _) = cluster.call(&tries).await;
    let status = answer.unwrap_err();
    assert_eq!(status.code(), tonic::Code::DeadlineExceeded);
    assert!(
        crate::client::wire::marked_budget_spent(&status),
        "{status:?}"
    );
    assert_eq!(tries.budget.refused(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_services_own_failure_is_the_answer() {
    let cluster = Cluster::new(&[("a", Plays::Fails(ms(5))), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(true));
    let (answer, _) = cluster.call(&tries).await;
    assert_eq!(answer.unwrap_err().code(), tonic::Code::InvalidArgument);
    assert_eq!(cluster.tries(), counts(&[("a", 1)]));
}

#[tokio::test(start_paused = true)]
async fn per_try_timeouts_stay_within_the_calls_deadline() {
    let cluster = Cluster::new(&[
        ("a", Plays::Silent),
        ("b", Plays::Silent),
        ("c", Plays::Silent),
    ]);
    let tries = Tries::new(Policy {
        per_try: ms(400),
        ..policy(true)
    });
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!(answer.unwrap_err().code(), tonic::Code::DeadlineExceeded);
    assert_eq!(
        took,
        ms(1000),
        "tries at 0, 400 and 800 ms; the last one cut to 200"
    );
    assert_eq!(cluster.tries(), counts(&[("a", 1), ("b", 1), ("c", 1)]));
}

#[tokio::test(start_paused = true)]
async fn a_hedge_goes_out_after_its_delay_and_the_first_answer_wins() {
    let cluster = Cluster::new(&[
        ("a", Plays::Answers(ms(900))),
        ("b", Plays::Answers(ms(10))),
    ]);
    let tries = Tries::new(Policy {
        hedging: Hedging::After(ms(50)),
        ..policy(true)
    });
    let first_cancelled = AtomicBool::new(false);
    let started = Instant::now();
    let answer = tries
        .call(
            "user",
            Some("Say.Hello"),
            cluster.nodes(),
            &RoundRobin::default(),
            started + ms(1000),
            |node, _until| {
                let guard = (node.id == "a").then(|| Cancelled(&first_cancelled));
                let sent = cluster.try_on(node);
                async move {
                    let answer = sent.await;
                    std::mem::forget(guard); // it finished: not cancelled
                    answer
                }
            },
        )
        .await;
    assert_eq!(answer.unwrap().1, "from b");
    assert_eq!(
        started.elapsed(),
        ms(60),
        "the hedge's delay, then b's answer"
    );
    assert!(
        first_cancelled.load(Ordering::Relaxed),
        "a's try was cancelled"
    );
    assert_eq!(tries.budget.retries(), 1, "a hedge is paid from the budget");
}

/// A node gone silent (cut off), whose calls a hedge answers: its own tries are cancelled
/// unanswered, so no try of it ever fails. Once the first of them would have timed out, it
/// is set aside as a node whose try timed out is: the next calls go to b, with no hedge
/// paid. (Left in turn, it would cost every call that picks it a hedge, until the budget
/// was spent and such a call failed.)
#[tokio::test(start_paused = true)]
async fn a_silent_node_a_hedge_answered_for_is_set_aside_when_its_try_would_have_timed_out() {
    let cluster = Cluster::new(&[("a", Plays::Silent), ("b", Plays::Answers(ms(1)))]);
    let tries = Tries::new(Policy {
        hedging: Hedging::After(ms(50)),
        ..policy(true)
    });
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!((answer.unwrap().as_str(), took), ("from b", ms(51)));
    // Before a's try would have timed out (200 ms after it left), a is still in its turn.
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!((answer.unwrap().as_str(), took), ("from b", ms(51)));
    assert_eq!(tries.budget.retries(), 2, "two hedges");
    tokio::time::sleep(ms(200)).await;
    for _ in 0..5 {
        let (answer, took) = cluster.call(&tries).await;
        assert_eq!((answer.unwrap().as_str(), took), ("from b", ms(1)));
    }
    assert_eq!(cluster.tries(), counts(&[("a", 2), ("b", 7)]));
    assert_eq!(tries.budget.retries(), 2, "no hedge once a is set aside");
}

/// Says, when dropped, that the try holding it was cancelled.
struct Cancelled<'a>(&'a AtomicBool);

impl Drop for Cancelled<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[tokio::test(start_paused = true)]
async fn a_method_not_idempotent_is_never_hedged() {
    let cluster = Cluster::new(&[
        ("a", Plays::Answers(ms(300))),
        ("b", Plays::Answers(ms(10))),
    ]);
    let tries = Tries::new(Policy {
        hedging: Hedging::After(ms(50)),
        ..policy(false)
    });
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!((answer.unwrap().as_str(), took), ("from a", ms(300)));
    assert_eq!(cluster.tries(), counts(&[("a", 1)]));
}

#[tokio::test(start_paused = true)]
async fn with_the_budget_spent_a_try_that_may_have_run_is_not_sent_again() {
    let cluster = Cluster::new(&[("a", Plays::Silent), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(true));
    tries.budget.drain();
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!(answer.unwrap_err().code(), tonic::Code::DeadlineExceeded);
    assert_eq!(took, ms(200), "the per-try timeout, and no retry");
    assert_eq!(cluster.tries(), counts(&[("a", 1)]));
}

#[tokio::test(start_paused = true)]
async fn every_node_silent_costs_no_more_retries_than_the_budget_earns() {
    // 20 calls a second for 10 s to three silent nodes, each call wanting two retries.
    let cluster = Cluster::new(&[
        ("a", Plays::Silent),
        ("b", Plays::Silent),
        ("c", Plays::Silent),
    ]);
    let tries = Tries::new(Policy {
        deadline: ms(50),
        per_try: ms(10),
        ..policy(true)
    });
    let started = Instant::now();
    for n in 1..=200 {
        let (answer, _) = cluster.call(&tries).await;
        assert!(answer.is_err());
        tokio::time::sleep_until(started + ms(50) * n).await;
    }
    let sent: usize = cluster.tries().values().sum();
    let most = tries.budget.most_for(200, started.elapsed());
    assert_eq!(sent as u64, 200 + tries.budget.retries());
    assert!(
        (tries.budget.retries() as f64) <= most,
        "{} retries, at most {most}",
        tries.budget.retries()
    );
    assert!(sent < 400, "{sent} tries: far fewer than the 600 wanted");
}

#[tokio::test(start_paused = true)]
async fn a_node_set_aside_that_leaves_the_registry_and_comes_back_is_called_at_once() {
    let cluster = Cluster::new(&[("a", Plays::Answers(ms(10))), ("b", Plays::Answers(ms(10)))]);
    let tries = Tries::new(policy(true));
    let [a, b] = [0, 1].map(|n| cluster.nodes()[n].clone());
    tries.set_aside.set_aside("user", &a);
    assert_eq!(
        tries
            .set_aside
            .not_set_aside("user", vec![a.clone(), b.clone()]),
        std::slice::from_ref(&b)
    );
    // a deregisters (a deploy stops it), then registers again.
    assert_eq!(
        tries.set_aside.not_set_aside("user", vec![b.clone()]),
        std::slice::from_ref(&b)
    );
    assert_eq!(
        tries
            .set_aside
            .not_set_aside("user", vec![a.clone(), b.clone()]),
        [a, b]
    );
}

#[tokio::test(start_paused = true)]
async fn nodes_set_aside_are_tried_last_not_never() {
    // An earlier call set a and b aside (a partition, a slow moment); c, the one left,
    // does not answer. With time left, the call tries a node set aside before it gives up.
    let cluster = Cluster::new(&[
        ("a", Plays::Answers(ms(10))),
        ("b", Plays::Answers(ms(10))),
        ("c", Plays::Silent),
    ]);
    let tries = Tries::new(policy(true));
    for node in &cluster.nodes()[..2] {
        tries.set_aside.set_aside("user", node);
    }
    let (answer, took) = cluster.call(&tries).await;
    assert_eq!(answer.unwrap(), "from a");
    assert_eq!(took, ms(210), "c's try, then a's");
    assert_eq!(cluster.tries(), counts(&[("a", 1), ("c", 1)]));
}
