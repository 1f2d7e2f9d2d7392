//! Exercise `captcha.verify`: one try per code, letters in any case, and a verdict that
//! tells a wrong guess from a code that is not there.
//!
//! The worked example answers Verify with a yes or no. A gateway wants to say more: "wrong
//! code" (the user mistyped: show a new image) is not "no such code" (it expired, or was
//! used: the page is stale). Whatever the verdict, the code is used up by the first guess,
//! and two guesses that race for one code must never both be right.

use redis::aio::ConnectionManager;
use redis::{AsyncCommands as _, RedisResult};

/// What a guess turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The guess was the code (letters in any case, spaces around it ignored).
    Right,
    /// There was a code, and the guess was not it. The code is gone all the same.
    Wrong,
    /// There was no code: never stored, expired, or already guessed.
    Missing,
}

/// Checks `guess` against the code at `key`, and removes the code, in one atomic step.
pub async fn verify_once(
    redis: &mut ConnectionManager,
    key: &str,
    guess: &str,
) -> RedisResult<Verdict> {
    // GETDEL: whoever's command Redis runs first gets the code; every later one gets nil.
    // A GET followed by a DEL would let two racing guesses both read it.
    let code: Option<String> = redis.get_del(key).await?;
    Ok(match code {
        None => Verdict::Missing,
        Some(code) if code.eq_ignore_ascii_case(guess.trim()) => Verdict::Right,
        Some(_) => Verdict::Wrong,
    })
}
