//! The client's side of rpcx's heartbeat: a request that calls nothing, whose answer is the
//! request itself, back. A client sends one every `HeartbeatInterval` on a connection it
//! keeps; an answer that does not come, or does not match, tells it the connection is dead
//! before a call finds out.

use std::time::Instant;

use crate::connection::{CallError, Connection};
use crate::header::{Header, Serialize};
use crate::message::Message;

/// The heartbeat rpcx's client sends as the `seq`th message of a connection: a MsgPack
/// request with the heartbeat bit, no service, method or metadata, and as its payload the
/// time (`unix_nanos`) as a MsgPack int64 in the one form Go writes for an `int64`: the
/// full 9 bytes whatever the number, where a MsgPack library picks a shorter form for a
/// small one. The test holds it against the bytes rpcx's client sent.
pub fn heartbeat(seq: u64, unix_nanos: i64) -> Message {
    // TODO: the message, as the doc comment says.
    todo!("rpcx's heartbeat request")
}

/// Sends a heartbeat on `connection` and waits for its answer. `Ok` with the round trip
/// when the answer is a heartbeat response with the same payload; a different answer is
/// `CallError::Payload` naming what was wrong, and no answer the connection's error.
pub async fn ping(
    connection: &Connection,
    unix_nanos: i64,
) -> Result<std::time::Duration, CallError> {
    // TODO: one heartbeat's round trip on `connection`, as the doc comment says: only the
    // echo of this very heartbeat is a success.
    todo!("send a heartbeat and check its answer")
}
