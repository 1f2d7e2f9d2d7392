//! Handling each message once, however often it comes.
//!
//! JetStream delivers at least once: a subscriber that dies after its handler ran but before
//! its ack arrived is given the message again, and a publisher that retries after a lost
//! answer sends it twice. go-micro gives every message an id of its own (`Micro-Id`, a
//! UUID), which all its copies carry: a handler that remembers the ids it has handled, where
//! every subscriber and every restart sees them (Redis), can do its work once.

use std::time::Duration;

use micro::broker::{Event, Handler, handler};
use redis::aio::MultiplexedConnection;

/// The header that names a message, the same in all its copies.
pub const ID_HEADER: &str = "Micro-Id";

/// How long Redis remembers a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// That it was handled: as long as a copy may still come (the stream keeps it a day).
    pub done_for: Duration,
    /// That a delivery is handling it: longer than a handler takes, so that a subscriber
    /// that died on it does not hold the message for ever.
    pub claim_for: Duration,
}

/// The Redis key that says what became of message `id` on `topic`: absent, `doing` (a
/// delivery has claimed it) or `done`.
pub fn key(topic: &str, id: &str) -> String {
    format!("events:once:{topic}:{id}")
}

/// Wraps `handle` so that each message is handled once, however many copies come. What a
/// delivery does depends on what the message's [`key`] says:
///
/// - nothing: this delivery handles it. While `handle` runs, the key says `doing` (and
///   expires after `claim_for`, in case this subscriber dies). `Ok` leaves `done` for
///   `done_for` and acknowledges; `Err` leaves no key and fails, so that the next delivery
///   handles it;
/// - `done`: a copy of a handled message, acknowledged without calling `handle`;
/// - `doing`: another delivery is on it: this one fails without calling `handle` (it will
///   come again).
///
/// A message without `Micro-Id` fails, and so does anything Redis cannot answer: a message
/// is never acknowledged unless it is known to be handled.
pub fn once_per_id(redis: MultiplexedConnection, memory: Memory, handle: Handler) -> Handler {
    // TODO: the wrapper of the doc comment. Two copies of one message delivered at the same
    // moment must never both call `handle`.
    todo!("handle each Micro-Id once")
}
