//! Leave intents: how an agent that leaves says so before it goes.
//!
//! SWIM cannot tell a member that left from one that died: both are "down". Serf's answer,
//! and this one: a leaving agent first gossips an intent, `leave BUMP NODE`, as one of
//! foca's custom broadcasts, which every member passes on a few times. A member that goes
//! down after its intent was heard has left; without one, it failed.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use foca::{BroadcastHandler, Invalidates};

use super::Id;

/// The leave intents heard so far: (node, the bump of the identity that left).
pub(super) type Intents = Arc<Mutex<BTreeSet<(String, u64)>>>;

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

#[derive(Debug)]
pub(super) struct BadIntent;

impl std::fmt::Display for BadIntent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a broadcast that is not a leave intent")
    }
}

impl std::error::Error for BadIntent {}

impl BroadcastHandler<Id> for LeaveIntents {
    type Key = IntentKey;
    type Error = BadIntent;

    fn receive_item(
        &mut self,
        data: &[u8],
        _sender: Option<&Id>,
    ) -> Result<Option<IntentKey>, BadIntent> {
        let (node, bump) = decode_intent(data).ok_or(BadIntent)?;
        let fresh = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((node.clone(), bump));
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
}
