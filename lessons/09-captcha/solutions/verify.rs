//! Exercise `captcha.verify`: a few tries per code, counted in Redis, and a verdict that
//! tells a wrong guess from a code that is not there.
//!
//! The worked example gives a code one try: its Verify takes the code out with `GETDEL`,
//! right or wrong. A person who mistypes one letter then needs a new image. Here a code
//! allows `tries` guesses: a wrong one says how many are left, the last wrong one (or the
//! right one) removes the code. The count lives in Redis beside the code, because two
//! guesses may reach two instances; and however many guesses race for one code, at most
//! `tries` of them are judged, and at most one is right.

use redis::aio::ConnectionManager;
use redis::{RedisResult, Script};

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

/// The whole judgement, run by Redis as one command: nothing else runs while it does, so
/// two guesses can neither both read a code before either uses it up, nor both be counted
/// as the same try. KEYS[1] is the code, KEYS[2] its count of wrong guesses; ARGV[1] the
/// guess in lower case, ARGV[2] the tries allowed. It answers a verdict and the tries left.
const JUDGE: &str = r"
local code = redis.call('GET', KEYS[1])
if not code then
    return {'missing', 0}
end
if string.lower(code) == ARGV[1] then
    redis.call('DEL', KEYS[1], KEYS[2])
    return {'right', 0}
end
local left = tonumber(ARGV[2]) - redis.call('INCR', KEYS[2])
if left <= 0 then
    redis.call('DEL', KEYS[1], KEYS[2])
    return {'wrong', 0}
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2], ttl)
end
return {'wrong', left}
";

/// Judges `guess` against the code at `key`, which allows `tries` guesses in all (at
/// least 1). Reading the code, counting a wrong guess and removing what is used up are one
/// atomic step: no other guess at the same code runs in between.
pub async fn verify_with_tries(
    redis: &mut ConnectionManager,
    key: &str,
    guess: &str,
    tries: u32,
) -> RedisResult<Verdict> {
    // Codes are ASCII letters and digits, so Lua's `string.lower` and this agree.
    let guess = guess.trim().to_ascii_lowercase();
    let (verdict, tries_left): (String, u32) = Script::new(JUDGE)
        .key(key)
        .key(wrong_guesses_key(key))
        .arg(guess)
        .arg(tries.max(1))
        .invoke_async(redis)
        .await?;
    Ok(match verdict.as_str() {
        "right" => Verdict::Right,
        "wrong" => Verdict::Wrong { tries_left },
        _ => Verdict::Missing,
    })
}
