//! A call's tries: which failures are tried again on another node, how long one try may
//! take, when a second try is sent before the first has failed, and how many retries the
//! client may send at all. The client's policy, and `micro api`'s.
//!
//! It is gRPC's retry design (A6) on the framework's two rules:
//!
//! - a try that *cannot have run* — the wire shows it never reached the node's handler
//!   ([`wire`]: the connection refused, the request never sent, the stream refused
//!   unprocessed) — is sent to another node, for any method: what lesson 11's `call` does;
//! - a try that *may have run* — anything else that is not the service's answer: no answer
//!   within its per-try timeout, a connection that broke or went silent after the request
//!   left, a node that answered `Unavailable` or `Unimplemented` — is sent again only for a
//!   method declared *idempotent*, by the service in its registry record's endpoint
//!   metadata or by the caller. A method nobody declared is sent once, and its caller
//!   learns that it may have run.
//!
//! Every node is tried at most once per call, all within the call's deadline. Retries after
//! a try that may have run, and hedges, are paid from the [`RetryBudget`]: they add load to
//! the servers. Tries that cannot have run reached no server, and are free (gRPC's
//! "transparent retries"), bounded by the number of nodes. A node whose try failed or timed
//! out is set aside ([`SetAside`]) so that the next calls try it last, once every other node
//! has been tried; one that answers is taken back. So is a node whose try the call stopped
//! waiting for, a hedge having answered first, if it answers nobody before that try's timer
//! would have ended: without that, a silent node would cost every call that picks it a
//! hedge, until the budget is spent.

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::time::Instant;
use tonic::Status;

use crate::client::budget::RetryBudget;
use crate::client::hedge::{Hedging, Latencies};
use crate::client::{SET_ASIDE_FOR, SetAside, Verdict, judge, wire};
use crate::registry::Node;
use crate::selector::Selector;

/// How long a call may take, all its tries on all nodes together.
pub const CALL_DEADLINE: Duration = Duration::from_secs(5);

/// How long one try of an idempotent method may go unanswered before the next node is
/// tried.
pub const PER_TRY: Duration = Duration::from_millis(500);

// ANCHOR: policy
/// How a client tries its calls.
#[derive(Debug, Clone)]
pub struct Policy {
    /// All the tries of a call together.
    pub deadline: Duration,
    /// One try of an idempotent method (capped by what is left of `deadline`).
    pub per_try: Duration,
    /// When to send a second try of an idempotent method before the first has answered.
    pub hedging: Hedging,
    /// Methods (`Handler.Method`) the caller knows to be idempotent, whatever the
    /// registry says.
    pub idempotent: Vec<String>,
}
// ANCHOR_END: policy

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            deadline: CALL_DEADLINE,
            per_try: PER_TRY,
            hedging: Hedging::Off,
            idempotent: Vec::new(),
        }
    }
}

/// What a client keeps to try its calls: its policy, its retry budget, the nodes it set
/// aside, and how long each method's answers took.
#[derive(Debug)]
pub struct Tries {
    pub policy: Policy,
    pub budget: RetryBudget,
    pub set_aside: SetAside,
    latencies: Latencies,
}

impl Tries {
    pub fn new(policy: Policy) -> Tries {
        Tries {
            policy,
            budget: RetryBudget::default(),
            set_aside: SetAside::new(SET_ASIDE_FOR),
            latencies: Latencies::default(),
        }
    }

    /// Whether `method` may run twice: the caller says so, or every node of the service
    /// does (a service whose nodes disagree — in the middle of a deploy — does not).
    pub fn is_idempotent(&self, method: &str, nodes: &[Node]) -> bool {
        self.policy.idempotent.iter().any(|known| known == method)
            || (!nodes.is_empty() && nodes.iter().all(|node| node.declares_idempotent(method)))
    }

    // ANCHOR: call
    /// One call of `method` (`Handler.Method`; `None`: a method the client cannot name,
    /// never idempotent) to a node of `service` among `nodes`, answered by `deadline`.
    /// `try_on` sends one try to a node, with the instant the node must answer by: the
    /// call's deadline. A per-try timeout is the client's own timer, never told to the
    /// node: a node told it would answer `Cancelled` as it passed, and that answer would
    /// race the timer. A try the timer ends is a timed-out try, whatever comes after. The
    /// node that answered and its answer, or the failure that ended the call, marked with
    /// whether it may have run and whether the budget refused a retry ([`wire::mark`]).
    pub async fn call<T, F, Fut>(
        &self,
        service: &str,
        method: Option<&str>,
        nodes: Vec<Node>,
        selector: &dyn Selector,
        deadline: Instant,
        mut try_on: F,
    ) -> Result<(Node, T), Status>
    where
        F: FnMut(Node, Instant) -> Fut,
        Fut: Future<Output = Result<T, Status>>,
    {
        let idempotent = method.is_some_and(|method| self.is_idempotent(method, &nodes));
        let hedge_after = method
            .filter(|_| idempotent)
            .and_then(|method| self.policy.hedging.delay(&self.latencies, method));
        // When a try sent now must be answered by.
        let until = || match idempotent {
            true => (Instant::now() + self.policy.per_try).min(deadline),
            false => deadline,
        };
        self.budget.called();
        let mut untried = self.set_aside.not_set_aside(service, nodes.clone());
        // The nodes earlier calls set aside are tried last: when every other node has been
        // tried and the call still has time, a node that failed a while ago beats failing.
        let mut held_back: Vec<Node> = nodes
            .into_iter()
            .filter(|node| !untried.contains(node))
            .collect();
        // Whether the budget refused a retry or a hedge this call wanted, and whether any
        // try so far may have run: the call never ran only if no try did.
        let mut refused = false;
        let mut ran = false;
        // The tries sent and not yet ended, each with when its timer ends.
        let mut out = Out::default();
        let mut tries = FuturesUnordered::new();
        let first = one_try(
            service,
            selector,
            &mut untried,
            None,
            &mut try_on,
            until(),
            deadline,
        );
        tries.push(out.sent(first.ok_or_else(|| no_node(service))?));
        let mut hedge_at = hedge_after.map(|delay| Instant::now() + delay);
        loop {
            tokio::select! {
                Some((node, took, tried)) = tries.next() => {
                    out.ended(&node);
                    let (status, verdict) = match tried {
                        Ok(answer) => {
                            self.set_aside.take_back(service, &node);
                            if let Some(method) = method {
                                self.latencies.record(method, took);
                            }
                            out.left_unanswered(&self.set_aside, service);
                            return Ok((node, answer));
                        }
                        Err(failed) => failed,
                    };
                    ran |= verdict != Verdict::NotRun;
                    let call = if ran { Verdict::MayHaveRun } else { Verdict::NotRun };
                    let again = match verdict {
                        Verdict::Answered => {
                            out.left_unanswered(&self.set_aside, service);
                            return Err(wire::mark(status, verdict, refused));
                        }
                        Verdict::NotRun => true,
                        Verdict::MayHaveRun => idempotent,
                    };
                    self.set_aside.set_aside(service, &node);
                    if again && untried.is_empty() {
                        untried = std::mem::take(&mut held_back);
                    }
                    let wanted = again && !untried.is_empty();
                    let paid = wanted && (verdict == Verdict::NotRun || self.budget.try_retry());
                    refused |= wanted && !paid;
                    let next = paid
                        .then(|| one_try(service, selector, &mut untried, Some(&node), &mut try_on, until(), deadline))
                        .flatten();
                    match next {
                        Some(next) => tries.push(out.sent(next)),
                        None if tries.is_empty() => return Err(wire::mark(status, call, refused)),
                        None => {}
                    }
                }
                () = sleep_until(hedge_at) => {
                    hedge_at = None;
                    if !untried.is_empty() {
                        if self.budget.try_retry() {
                            tries.extend(
                                one_try(service, selector, &mut untried, None, &mut try_on, until(), deadline)
                                    .map(|hedge| out.sent(hedge)),
                            );
                            hedge_at = hedge_after.map(|delay| Instant::now() + delay);
                        } else {
                            refused = true;
                        }
                    }
                }
                () = tokio::time::sleep_until(deadline) => {
                    let status = Status::deadline_exceeded(format!(
                        "no node of {service} answered within {:?}",
                        self.policy.deadline
                    ));
                    out.left_unanswered(&self.set_aside, service);
                    return Err(wire::mark(status, Verdict::MayHaveRun, refused));
                }
            }
        }
    }
    // ANCHOR_END: call
}

/// The tries of a call still out: which node each went to, and when its timer ends.
#[derive(Default)]
struct Out(Vec<(Node, Instant)>);

impl Out {
    /// A try sent: kept until it ends, and handed on to be awaited.
    fn sent<Try>(&mut self, (node, until, try_): (Node, Instant, Try)) -> Try {
        self.0.push((node, until));
        try_
    }

    /// The try on `node` ended (each node is tried at most once a call).
    fn ended(&mut self, node: &Node) {
        self.0.retain(|(out, _)| out != node);
    }

    /// The call ends with tries still out, which it stops waiting for: each is noted as
    /// left unanswered, so that a node that went silent is set aside when its timer would
    /// have ended, though a hedge answered first ([`SetAside::left_unanswered`]).
    fn left_unanswered(&self, set_aside: &SetAside, service: &str) {
        for (node, until) in &self.0 {
            set_aside.left_unanswered(service, node, *until);
        }
    }
}

/// A try on the node `selector` picks among `untried` (taking it out of them), to be
/// answered by `until` (its per-try timer), the node told the call's `deadline`: the node,
/// when its timer ends, and the try, which yields the node, how long the try took, and its
/// answer or its failure judged.
fn one_try<T, F, Fut>(
    service: &str,
    selector: &dyn Selector,
    untried: &mut Vec<Node>,
    avoid: Option<&Node>,
    try_on: &mut F,
    until: Instant,
    deadline: Instant,
) -> Option<(
    Node,
    Instant,
    impl Future<Output = Tried<T>> + use<T, F, Fut>,
)>
where
    F: FnMut(Node, Instant) -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let node = selector.select(service, untried, avoid)?;
    untried.retain(|other| *other != node);
    let started = Instant::now();
    let sent = try_on(node.clone(), deadline);
    let out = node.clone();
    Some((out, until, async move {
        let answer = match tokio::time::timeout_at(until, sent).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(status)) => Err(judge(status, &node)),
            Err(_) => Err((
                Status::deadline_exceeded(format!(
                    "{} at {} gave no answer within {:?}",
                    node.id,
                    node.address,
                    until - started
                )),
                Verdict::MayHaveRun,
            )),
        };
        (node, started.elapsed(), answer)
    }))
}

/// A try done: the node, how long it took, and its answer or its failure judged.
type Tried<T> = (Node, Duration, Result<T, (Status, Verdict)>);

fn no_node(service: &str) -> Status {
    Status::unavailable(format!("no node of {service} is registered"))
}

/// Waits until `at`, or forever without one.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
