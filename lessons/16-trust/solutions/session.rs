//! Exercise `trust.session`: open a session, and find whose one an id is.
//!
//! A session is a random id the browser keeps in a cookie and Redis keeps for a while, with
//! the user's name: `session:ID` → `NAME`, expiring by itself (`crate::sessions`). Whoever
//! holds the id is that user until it expires or they log out, so the id must be one
//! nobody can guess, and a string that is no id must never reach Redis as part of a key.

use std::time::Duration;

use anyhow::Context as _;
use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;
use redis::{ExistenceCheck, SetExpiry, SetOptions};

use crate::sessions::{ID_BYTES, key};

/// Opens a session for `name`, kept for `ttl`, and returns its new id: `ID_BYTES` random
/// bytes from the system's random source, written as lowercase hex.
pub async fn create(
    redis: &mut ConnectionManager,
    name: &str,
    ttl: Duration,
) -> anyhow::Result<String> {
    let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
    loop {
        let mut bytes = [0u8; ID_BYTES];
        getrandom::fill(&mut bytes).context("the system's random source failed")?;
        let id = hex::encode(bytes);
        // NX: never take over a live session, however unlikely the same id twice.
        let options = SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::PX(millis));
        let stored: Option<String> = redis.set_options(key(&id), name, options).await?;
        if stored.is_some() {
            return Ok(id);
        }
    }
}

/// Whose session `id` is: `Some(name)` while it lasts, `None` for an id that is not (or no
/// longer) one — and for a string that is no id at all, which is not looked up.
pub async fn lookup(redis: &mut ConnectionManager, id: &str) -> anyhow::Result<Option<String>> {
    let well_formed = id.len() == ID_BYTES * 2
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !well_formed {
        return Ok(None);
    }
    Ok(redis.get(key(id)).await?)
}
