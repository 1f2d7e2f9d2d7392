//! Exercise `captcha.remember`: keep a code for a while, never overwriting a live one, and
//! tell a refused caller how long the live one has left.
//!
//! The worked example's `Codes::keep` stores with a five-minute expiry in whole seconds and
//! answers only "stored or not". Write the version a caller can do more with: an expiry of
//! any length, to the millisecond, and, when `key` already holds a live code, how long until
//! that one expires (a gateway can tell its user "try again in 42 s").

use std::time::Duration;

use redis::RedisResult;
use redis::aio::ConnectionManager;

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
    // TODO: store the code as the doc comment says, or answer how long the live code has
    // left. Two callers racing for one key: exactly one of them stores.
    todo!("store {code:?} at {key:?} for {ttl:?} unless a live code is there")
}
