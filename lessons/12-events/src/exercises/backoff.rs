//! What a durable subscriber tells JetStream about each message it was given: handled, try
//! again later, or never again — and a wait before the next try that grows with each failure.
//!
//! The framework's durable subscriber waits the same `retry_delay` after every failure. A
//! handler that fails because something it needs is down (a database restarting) then
//! knocks every second, and so does every other subscriber: better to wait longer each time
//! (exponential backoff), up to a limit.

use std::time::Duration;

use async_nats::jetstream::AckKind;

/// How a message that failed is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// How many deliveries in all, the first one included, before the message is given up.
    pub max_deliver: i64,
    /// The wait after the first failed delivery. Each later failure waits twice as long as
    /// the one before…
    pub first_delay: Duration,
    /// …but never longer than this.
    pub max_delay: Duration,
}

/// What became of one delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The handler handled it.
    Handled,
    /// The handler failed: the message may succeed later.
    Failed,
    /// The message is not one (it does not decode): no later delivery can change that.
    Undecodable,
}

/// What to tell the server about delivery number `attempt` (1 for the first) of a message:
/// `Ack` when it was handled; `Term` when it cannot ever be handled (undecodable) or when it
/// failed on its last allowed delivery (`attempt >= max_deliver`); otherwise `Nak` with the
/// wait before the next delivery: `first_delay` after the first failure, twice the previous
/// wait after each later one, never more than `max_delay`. An attempt below 1 counts as 1.
pub fn verdict(outcome: Outcome, attempt: i64, retry: &Retry) -> AckKind {
    // TODO: the verdict of the doc comment, for every attempt an i64 can hold and every
    // delay: where the doubling would not fit, the wait is `max_delay`, never a panic.
    todo!("decide between Ack, Nak(Some(wait)) and Term")
}
