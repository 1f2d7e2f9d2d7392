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
/// time (`unix_nanos`) as a MsgPack int64 — always the 9-byte form, `0xd3` and eight
/// big-endian bytes, as Go writes an `int64`.
pub fn heartbeat(seq: u64, unix_nanos: i64) -> Message {
    let mut payload = vec![0xd3];
    payload.extend_from_slice(&unix_nanos.to_be_bytes());
    Message {
        header: Header {
            heartbeat: true,
            ..Header::request(seq, Serialize::MsgPack)
        },
        service_path: String::new(),
        service_method: String::new(),
        metadata: Vec::new(),
        payload,
    }
}

/// Sends a heartbeat on `connection` and waits for its answer. `Ok` with the round trip
/// when the answer is a heartbeat response with the same payload; a different answer is
/// `CallError::Payload` naming what was wrong, and no answer the connection's error.
pub async fn ping(
    connection: &Connection,
    unix_nanos: i64,
) -> Result<std::time::Duration, CallError> {
    let request = heartbeat(connection.next_seq(), unix_nanos);
    let started = Instant::now();
    let answer = connection.send(request.clone()).await?;
    if !answer.header.response || !answer.header.heartbeat {
        return Err(CallError::Payload(
            "the answer to a heartbeat is not a heartbeat response".into(),
        ));
    }
    if answer.payload != request.payload {
        return Err(CallError::Payload(format!(
            "the heartbeat came back as {:02x?}, not {:02x?}",
            answer.payload, request.payload
        )));
    }
    Ok(started.elapsed())
}
