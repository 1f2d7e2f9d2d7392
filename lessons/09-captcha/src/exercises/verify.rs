//! Exercise `captcha.verify`: one try per code, letters in any case, and a verdict that
//! tells a wrong guess from a code that is not there.
//!
//! The worked example answers Verify with a yes or no. A gateway wants to say more: "wrong
//! code" (the user mistyped: show a new image) is not "no such code" (it expired, or was
//! used: the page is stale). Whatever the verdict, the code is used up by the first guess,
//! and two guesses that race for one code must never both be right.

use redis::RedisResult;
use redis::aio::ConnectionManager;

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
    // TODO: read and delete the code in one command, then compare it with the guess.
    todo!("take the code at {key:?} and judge the guess {guess:?}")
}
