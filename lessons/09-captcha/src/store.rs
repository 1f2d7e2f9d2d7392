//! Where the codes live: Redis, outside the process.
//!
//! A captcha is asked for in one call and answered in another, and the two calls may reach
//! two different instances of the service (discovery hands out any passing one). So the
//! code cannot stay in the memory of the instance that drew it: it goes to Redis, which
//! every instance reads. Redis also forgets it by itself after five minutes (the key's
//! expiry), so a code nobody answers costs nothing, and it is used up by the first answer
//! (`GETDEL`), so an image can be tried only once.
//!
//! The connection is a [`ConnectionManager`]: one multiplexed connection, shared by every
//! call, that reconnects by itself when Redis comes back. Its defaults retry for about ten
//! seconds before a command fails; a service that must answer "Redis is down" quickly
//! bounds that (see [`connect`]).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands as _, ExistenceCheck, RedisResult, SetExpiry, SetOptions};

/// How long a code stays valid: five minutes, as in the seed course (`setex uuid 300 code`).
pub const CODE_TTL: Duration = Duration::from_secs(300);

/// How long connecting to Redis, or one command's answer, may take before it counts as
/// failed. Redis on the same network answers in well under a millisecond.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

/// The Redis key of a uuid's code.
pub fn key(uuid: &uuid::Uuid) -> String {
    format!("captcha:{uuid}")
}

// ANCHOR: connect
/// A connection manager for the Redis at `url` whose commands fail within about
/// [`REDIS_TIMEOUT`] when Redis is down, and that reconnects when it is back. It connects
/// lazily: a service can start before Redis does.
pub fn connect(url: &str) -> RedisResult<ConnectionManager> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(REDIS_TIMEOUT))
        .set_response_timeout(Some(REDIS_TIMEOUT))
        // One quick retry: a command either gets through or fails fast; the next
        // command tries to reconnect again.
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(100));
    ConnectionManager::new_lazy_with_config(client, config)
}
// ANCHOR_END: connect

/// The service's codes, kept in Redis.
#[derive(Clone)]
pub struct Codes {
    redis: ConnectionManager,
    /// Where Redis is, for messages.
    url: String,
}

impl Codes {
    /// The codes in the Redis at `url` (not yet connected: see [`connect`]).
    pub fn new(url: &str) -> RedisResult<Codes> {
        Ok(Codes {
            redis: connect(url)?,
            url: url.to_string(),
        })
    }

    /// The Redis URL, for messages.
    pub fn url(&self) -> &str {
        &self.url
    }

    // ANCHOR: keep
    /// Keeps `code` as `uuid`'s code for [`CODE_TTL`], unless `uuid` already has a live code:
    /// `SET captcha:<uuid> <code> NX EX 300`. True when it was stored.
    pub async fn keep(&self, uuid: &uuid::Uuid, code: &str) -> RedisResult<bool> {
        let options = SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::EX(CODE_TTL.as_secs()));
        // Redis answers OK when it set the key, and nil when NX refused.
        let answer: Option<String> = self
            .redis
            .clone()
            .set_options(key(uuid), code, options)
            .await?;
        Ok(answer.is_some())
    }

    /// Takes `uuid`'s code out of Redis, if it has one: `GETDEL captcha:<uuid>`. Reading
    /// and deleting are one command, so two answers racing for one code cannot both get it.
    pub async fn take(&self, uuid: &uuid::Uuid) -> RedisResult<Option<String>> {
        self.redis.clone().get_del(key(uuid)).await
    }
    // ANCHOR_END: keep

    /// Removes `uuid`'s code if it is still `code`, for a call that reports a failure after
    /// a SET that may have been stored anyway (see [`shared::captcha::forget_code`]).
    pub fn forget(&self, uuid: &uuid::Uuid, code: String) {
        shared::captcha::forget_code(&self.redis, key(uuid), code);
    }

    /// Asks Redis whether it is there: `PING`.
    pub async fn ping(&self) -> RedisResult<()> {
        let _pong: String = self.redis.clone().ping().await?;
        Ok(())
    }
}
