//! Exercise `captcha.verify`: a few tries per code, counted in Redis, and a verdict that
//! tells a wrong guess from a code that is not there.
//!
//! The worked example gives a code one try: its Verify takes the code out with `GETDEL`,
//! right or wrong. A person who mistypes one letter then needs a new image. Here a code
//! allows `tries` guesses: a wrong one says how many are left, the last wrong one (or the
//! right one) removes the code. The count lives in Redis beside the code, because two
//! guesses may reach two instances; and however many guesses race for one code, at most
//! `tries` of them are judged, and at most one is right.

use redis::RedisResult;
use redis::aio::ConnectionManager;

/// What a guess turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The guess was the code (letters in any case, spaces around it ignored). The code
    /// is gone: it cannot be used twice.
    Right,
    /// There was a code, and the guess was not it. `tries_left` more guesses may be made;
    /// at 0 the code is gone.
    Wrong { tries_left: u32 },
    /// There was no code: never stored, expired, already guessed right, or out of tries.
    Missing,
}

/// Where the wrong guesses at the code at `key` are counted. It expires with the code.
pub fn wrong_guesses_key(key: &str) -> String {
    format!("{key}:wrong")
}

/// Judges `guess` against the code at `key`, which allows `tries` guesses in all (at
/// least 1). Reading the code, counting a wrong guess and removing what is used up are one
/// atomic step: no other guess at the same code runs in between.
pub async fn verify_with_tries(
    redis: &mut ConnectionManager,
    key: &str,
    guess: &str,
    tries: u32,
) -> RedisResult<Verdict> {
    // TODO: judge the guess as the doc comments say. The test sends 16 guesses at one code
    // at the same moment: at most `tries` of them may be judged, at most one Right.
    todo!("judge the guess {guess:?} at {key:?}, {tries} tries per code")
}
