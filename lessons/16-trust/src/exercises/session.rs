//! Exercise `trust.session`: open a session, and find whose one an id is.
//!
//! A session is a random id the browser keeps in a cookie and Redis keeps for a while, with
//! the user's name: `session:ID` → `NAME`, expiring by itself (`crate::sessions`). Whoever
//! holds the id is that user until it expires or they log out, so the id must be one
//! nobody can guess, and a string that is no id must never reach Redis as part of a key.

use std::time::Duration;

use redis::aio::ConnectionManager;

use crate::sessions::{ID_BYTES, key};

/// Opens a session for `name`, kept for `ttl`, and returns its new id: `ID_BYTES` random
/// bytes from the system's random source, written as lowercase hex.
pub async fn create(
    redis: &mut ConnectionManager,
    name: &str,
    ttl: Duration,
) -> anyhow::Result<String> {
    // TODO: make a new id nobody can guess, and keep `key(id)` → `name` in Redis for `ttl`,
    // to the millisecond, without ever replacing a live session.
    todo!("open a session in Redis with its time to live")
}

/// Whose session `id` is: `Some(name)` while it lasts, `None` for an id that is not (or no
/// longer) one — and for a string that is no id at all, which is not looked up.
pub async fn lookup(redis: &mut ConnectionManager, id: &str) -> anyhow::Result<Option<String>> {
    // TODO: answer `None` for anything `create` could not have made, without asking Redis;
    // otherwise the name kept under `key(id)`, if any.
    todo!("find whose session an id is")
}
