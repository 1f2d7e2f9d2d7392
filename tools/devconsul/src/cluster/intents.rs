//! Leave intents: how an agent that leaves says so before it goes.
//!
//! SWIM cannot tell a member that left from one that died: both are "down". Serf's answer,
//! and this one: a leaving agent first gossips an intent, `leave BUMP NODE`, as one of
//! foca's custom broadcasts, which every member passes on a few times. A member that goes
//! down after its intent was heard has left; without one, it failed.

use std::collections::{BTreeSet, VecDeque};
use std::sync::{Arc, Mutex};

use foca::{BroadcastHandler, Invalidates};

use super::Id;
use crate::shared::lock;

/// The leave intents heard, shared by foca's handler and the gossip loop.
pub(super) type Intents = Arc<Mutex<Heard>>;

/// How many intents are remembered. An intent matters in the seconds around its member's
/// going down, so past this many the oldest go first: gossip from anyone cannot grow an
/// agent's memory without bound.
const MAX_INTENTS: usize = 1024;

/// The leave intents heard: (node, the bump of the identity that left), oldest first.
#[derive(Debug, Default, Clone)]
pub(super) struct Heard {
    order: VecDeque<(String, u64)>,
    known: BTreeSet<(String, u64)>,
}

impl Heard {
    /// Records an intent; false when it was heard already.
    pub(super) fn insert(&mut self, node: String, bump: u64) -> bool {
        if !self.known.insert((node.clone(), bump)) {
            return false;
        }
        self.order.push_back((node, bump));
        if self.order.len() > MAX_INTENTS
            && let Some(oldest) = self.order.pop_front()
        {
            self.known.remove(&oldest);
        }
        true
    }

    /// Whether `node`, known by the identity numbered `bump`, said it leaves: an intent
    /// covers the identity it names and every older one, since a member may know the
    /// leaver by an identity it has since renewed.
    pub(super) fn covers(&self, node: &str, bump: u64) -> bool {
        self.known
            .range((node.to_string(), bump)..)
            .next()
            .is_some_and(|(heard, _)| heard == node)
    }
}

/// `leave NODE BUMP`, as one custom broadcast.
pub(super) fn encode_intent(node: &str, bump: u64) -> Vec<u8> {
    format!("leave {bump} {node}").into_bytes()
}

fn decode_intent(data: &[u8]) -> Option<(String, u64)> {
    let text = std::str::from_utf8(data).ok()?;
    let rest = text.strip_prefix("leave ")?;
    let (bump, node) = rest.split_once(' ')?;
    Some((node.to_string(), bump.parse().ok()?))
}

/// Keeps the leave intents, and tells foca which ones are news to pass on.
pub(super) struct LeaveIntents(pub(super) Intents);

#[derive(PartialEq, Eq)]
pub(super) struct IntentKey(String, u64);

impl Invalidates for IntentKey {
    fn invalidates(&self, other: &Self) -> bool {
        self == other
    }
}

#[derive(Debug, thiserror::Error)]
#[error("a broadcast that is not a leave intent")]
pub(super) struct BadIntent;

impl BroadcastHandler<Id> for LeaveIntents {
    type Key = IntentKey;
    type Error = BadIntent;

    fn receive_item(
        &mut self,
        data: &[u8],
        _sender: Option<&Id>,
    ) -> Result<Option<IntentKey>, BadIntent> {
        let (node, bump) = decode_intent(data).ok_or(BadIntent)?;
        let fresh = lock(&self.0).insert(node.clone(), bump);
        Ok(fresh.then_some(IntentKey(node, bump)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intent_reads_back_as_written() {
        let data = encode_intent("host b", 17);
        assert_eq!(decode_intent(&data), Some(("host b".to_string(), 17)));
        assert_eq!(decode_intent(b"join 1 x"), None);
        assert_eq!(decode_intent(b"leave x y"), None);
    }

    #[test]
    fn an_intent_covers_its_identity_and_older_ones_of_the_same_node() {
        let mut heard = Heard::default();
        assert!(heard.insert("host-b".into(), 20));
        assert!(!heard.insert("host-b".into(), 20), "heard already");
        assert!(heard.covers("host-b", 20) && heard.covers("host-b", 3));
        assert!(
            !heard.covers("host-b", 21),
            "a newer identity did not say it leaves"
        );
        assert!(!heard.covers("host-a", 1) && !heard.covers("host-c", 1));
    }

    #[test]
    fn past_the_limit_the_oldest_intents_go_first() {
        let mut heard = Heard::default();
        for n in 0..MAX_INTENTS + 10 {
            heard.insert(format!("node-{n}"), 1);
        }
        assert_eq!(heard.known.len(), MAX_INTENTS);
        assert!(!heard.covers("node-0", 1) && !heard.covers("node-9", 1));
        assert!(
            heard.covers("node-10", 1) && heard.covers(&format!("node-{}", MAX_INTENTS + 9), 1)
        );
    }
}
