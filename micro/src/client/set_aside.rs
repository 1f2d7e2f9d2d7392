//! The nodes a client leaves out for a while: a simple outlier ejection.
//!
//! Trying elsewhere costs a failed try on every call that picks a bad node, so a node whose
//! try could not run there, or got no answer in time, is *set aside*: the selector does not
//! see it until its time is up, or until it answers a call. Envoy's and gRPC's outlier
//! detection are this idea with more knobs.
//!
//! Hedging hides a silent node from that rule: the hedge sent to another node answers, the
//! call returns, and the first try is cancelled before its per-try timer could say that it
//! went unanswered. Every later call would then pick the silent node in its turn and pay a
//! hedge for it, out of the retry budget, until the budget is spent and calls fail. So a try
//! a call stops waiting for is noted as *unanswered until* the instant its timer would have
//! ended: if no call gets an answer from that node by then, the node is set aside from that
//! instant, as if the try had run out its time; an answer before then takes it back.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;
use tonic::Status;

use crate::client::cannot_have_run;
use crate::registry::Node;

// ANCHOR: set_aside
/// The nodes whose call could not run there, left out of the selection for a while: the
/// client's, and `micro api`'s.
#[derive(Debug)]
pub struct SetAside {
    /// (service, node id) → what is known of that node.
    marks: Mutex<HashMap<(String, String), Mark>>,
    time: Duration,
}

/// Why a node may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Left out until then.
    Until(Instant),
    /// A try left unanswered when its call stopped waiting, whose timer would have ended
    /// then: left out from then on, unless the node answers a call before.
    Unanswered(Instant),
}

impl SetAside {
    /// Sets a node aside for `time` each time a call could not run there.
    pub fn new(time: Duration) -> SetAside {
        SetAside {
            marks: Mutex::new(HashMap::new()),
            time,
        }
    }

    /// `nodes` without those set aside — unless that leaves none: then all of them, since
    /// trying a node that failed a while ago beats failing without trying. A node of
    /// `service` that is no longer among `nodes` left the registry: it is forgotten, so that
    /// when it registers again (restarted) it is called at once.
    pub fn not_set_aside(&self, service: &str, nodes: Vec<Node>) -> Vec<Node> {
        let mut marks = crate::locks::lock(&self.marks);
        let now = Instant::now();
        marks.retain(|(of, id), mark| {
            // A try left unanswered whose time is up timed out then: set aside from then.
            if let Mark::Unanswered(timed_out) = *mark
                && timed_out <= now
            {
                *mark = Mark::Until(timed_out + self.time);
            }
            let current = match mark {
                Mark::Until(until) => *until > now,
                Mark::Unanswered(_) => true,
            };
            current && (of != service || nodes.iter().any(|node| node.id == *id))
        });
        let left: Vec<Node> = nodes
            .iter()
            .filter(|node| {
                let key = (service.to_string(), node.id.clone());
                !matches!(marks.get(&key), Some(Mark::Until(_)))
            })
            .cloned()
            .collect();
        if left.is_empty() { nodes } else { left }
    }

    /// After a try on `node`: set it aside if the call could not run there; take it back
    /// if it answered.
    pub fn note(&self, service: &str, node: &Node, failure: Option<&Status>) {
        match failure {
            Some(status) if cannot_have_run(status) => self.set_aside(service, node),
            Some(_) => {}
            None => self.take_back(service, node),
        }
    }

    /// Leaves `node` out for a while: a try could not run there, or got no answer in time.
    pub fn set_aside(&self, service: &str, node: &Node) {
        let mut marks = crate::locks::lock(&self.marks);
        let key = (service.to_string(), node.id.clone());
        marks.insert(key, Mark::Until(Instant::now() + self.time));
    }

    /// A call stopped waiting for its try on `node` (another try answered first), whose
    /// timer would have ended at `timed_out`: unless the node answers a call by then, it is
    /// set aside from then. A node set aside already stays so; of two tries left unanswered,
    /// the one that would time out first counts.
    pub fn left_unanswered(&self, service: &str, node: &Node, timed_out: Instant) {
        let mut marks = crate::locks::lock(&self.marks);
        let key = (service.to_string(), node.id.clone());
        let mark = match marks.get(&key) {
            Some(Mark::Until(until)) if *until > Instant::now() => return,
            Some(Mark::Unanswered(earliest)) => Mark::Unanswered((*earliest).min(timed_out)),
            _ => Mark::Unanswered(timed_out),
        };
        marks.insert(key, mark);
    }

    /// Takes `node` back: it answered.
    pub fn take_back(&self, service: &str, node: &Node) {
        let mut marks = crate::locks::lock(&self.marks);
        marks.remove(&(service.to_string(), node.id.clone()));
    }
}
// ANCHOR_END: set_aside

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes() -> [Node; 2] {
        ["a", "b"].map(|id| Node {
            id: id.to_string(),
            address: format!("{id}:1"),
            ..Node::default()
        })
    }

    #[tokio::test(start_paused = true)]
    async fn a_node_left_unanswered_is_set_aside_from_when_its_try_would_have_timed_out() {
        let set_aside = SetAside::new(Duration::from_secs(10));
        let [a, b] = nodes();
        let both = || vec![a.clone(), b.clone()];
        let timed_out = Instant::now() + Duration::from_millis(200);
        set_aside.left_unanswered("user", &a, timed_out);
        assert_eq!(set_aside.not_set_aside("user", both()), both(), "not yet");
        tokio::time::sleep_until(timed_out).await;
        assert_eq!(
            set_aside.not_set_aside("user", both()),
            std::slice::from_ref(&b)
        );
        // Ten seconds from when the try would have timed out, not from when it was seen.
        tokio::time::sleep_until(timed_out + Duration::from_secs(10)).await;
        assert_eq!(set_aside.not_set_aside("user", both()), both());
    }

    #[tokio::test(start_paused = true)]
    async fn a_node_left_unanswered_that_answers_another_call_in_time_stays() {
        let set_aside = SetAside::new(Duration::from_secs(10));
        let [a, b] = nodes();
        let both = || vec![a.clone(), b.clone()];
        let timed_out = Instant::now() + Duration::from_millis(200);
        set_aside.left_unanswered("user", &a, timed_out);
        set_aside.note("user", &a, None);
        tokio::time::sleep_until(timed_out).await;
        assert_eq!(set_aside.not_set_aside("user", both()), both());
    }

    #[tokio::test(start_paused = true)]
    async fn a_node_set_aside_stays_set_aside_when_a_try_of_it_is_left_unanswered() {
        let set_aside = SetAside::new(Duration::from_secs(10));
        let [a, b] = nodes();
        let both = || vec![a.clone(), b.clone()];
        set_aside.set_aside("user", &a);
        set_aside.left_unanswered("user", &a, Instant::now() + Duration::from_millis(200));
        assert_eq!(
            set_aside.not_set_aside("user", both()),
            std::slice::from_ref(&b)
        );
    }
}
