//! Exercise `captcha.remember`: keep a code for a while, never overwriting a live one, and
//! tell a refused caller how long the live one has left.
//!
//! The worked example's `Codes::keep` stores with a five-minute expiry in whole seconds and
//! answers only "stored or not". Write the version a caller can do more with: an expiry of
//! any length, to the millisecond, and, when `key` already holds a live code, how long until
//! that one expires (a gateway can tell its user "try again in 42 s").

use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands as _, ExistenceCheck, RedisResult, SetExpiry, SetOptions};

/// What became of a code given to [`remember`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remembered {
    /// The code is stored, and expires after the ttl it was given.
    Stored,
    /// `key` already held a live code, which is left as it was (value and expiry); it
    /// expires in `expires_in` (`Duration::MAX` for a key that never expires).
    Live { expires_in: Duration },
}

/// Stores `code` at `key` for `ttl` (to the millisecond; less than 1 ms counts as 1 ms),
/// unless `key` already holds a live code, in one atomic step.
pub async fn remember(
    redis: &mut ConnectionManager,
    key: &str,
    code: &str,
    ttl: Duration,
) -> RedisResult<Remembered> {
    let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
    loop {
        // SET key code NX PX millis: one command, so no other caller can slip in between
        // "is it there?" and "store it".
        let options = SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::PX(millis));
        let stored: Option<String> = redis.set_options(key, code, options).await?;
        if stored.is_some() {
            return Ok(Remembered::Stored);
        }
        // PTTL: milliseconds left, -1 for a key without expiry, -2 for no key at all.
        let left: i64 = redis.pttl(key).await?;
        match left {
            -1 => {
                return Ok(Remembered::Live {
                    expires_in: Duration::MAX,
                });
            }
            // The live code expired between the two commands: try again.
            -2 => continue,
            millis => {
                return Ok(Remembered::Live {
                    expires_in: Duration::from_millis(millis.max(0) as u64),
                });
            }
        }
    }
}
