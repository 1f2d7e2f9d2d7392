//! Sessions in Redis: `session:ID` → the user's name, expiring by itself.
//!
//! The seed's gateway answered `GET /api/v1.0/session` with "not logged in" whatever came.
//! Here a login opens a session: a random id of [`ID_BYTES`] bytes (256 bits: nobody guesses
//! one), kept in Redis with a time to live, and set as the browser's cookie. Every gateway
//! asks the same Redis, so ending a session (a logout) ends it everywhere at once, and a
//! stolen cookie is worth nothing after it.
//!
//! Opening one and looking one up are the exercise `trust.session`
//! ([`crate::exercises::session`]).

use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;

/// How many random bytes make a session id (written as twice as many hex digits).
pub const ID_BYTES: usize = 32;

/// The Redis key of session `id`.
pub fn key(id: &str) -> String {
    format!("session:{id}")
}

/// Ends session `id` (if `lookup` finds it): whoever shows it afterwards is nobody.
pub async fn end(redis: &mut ConnectionManager, id: &str) -> anyhow::Result<Option<String>> {
    let Some(name) = crate::exercises::session::lookup(redis, id).await? else {
        return Ok(None);
    };
    let _: u64 = redis.del(key(id)).await?;
    Ok(Some(name))
}
