//! Wrong passwords, counted per name and per address, in Redis.
//!
//! Argon2 makes each guess cost the server too: a flood of logins would turn the service's
//! cores into someone else's password cracker, and a name with a weak password would fall
//! to patience. So wrong passwords are counted, per name (whoever tries it) and per
//! address (whatever names it tries), in keys that expire with their window; past the
//! limit a login is refused before any hashing, and its answer says when to try again. The
//! counts live in Redis, so every instance of the service sees the same ones.

use std::time::Duration;

use redis::aio::ConnectionManager;

/// How many wrong passwords a window allows.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_name: u64,
    pub per_addr: u64,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_name: 5,
            per_addr: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

fn name_key(name: &str) -> String {
    format!("login-failures:name:{name}")
}

fn addr_key(addr: &str) -> String {
    format!("login-failures:addr:{addr}")
}

/// Admits one attempt, or says how long until one is admitted: one script, so that
/// attempts racing each other are counted one by one. Each attempt counts as a failure
/// before the password is checked (a flood of 30 at once would otherwise all pass a check
/// made before any of them had failed); a right password takes its count back.
const ADMIT: &str = r"
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i]) then
    local left = redis.call('PTTL', key)
    if left < 1000 then left = 1000 end
    return left
  end
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
end
return 0";

// ANCHOR: admit
/// Whether a login for `name` from `addr` may be checked: `None` if so (and it is
/// counted), or how long until the window that refuses it ends.
pub async fn admit(
    redis: &mut ConnectionManager,
    limits: Limits,
    name: &str,
    addr: &str,
) -> redis::RedisResult<Option<Duration>> {
    let window = limits.window.as_millis().max(1) as u64;
    let left: u64 = redis::Script::new(ADMIT)
        .key(name_key(name))
        .key(addr_key(addr))
        .arg(limits.per_name)
        .arg(limits.per_addr)
        .arg(window)
        .invoke_async(redis)
        .await?;
    Ok((left > 0).then(|| Duration::from_millis(left)))
}
// ANCHOR_END: admit

/// A right password: its name's count is forgotten, and its address's attempt given back
/// (the address keeps its other failures: it may be trying many names).
pub async fn succeeded(
    redis: &mut ConnectionManager,
    name: &str,
    addr: &str,
) -> redis::RedisResult<()> {
    redis::pipe()
        .del(name_key(name))
        .ignore()
        .decr(addr_key(addr), 1)
        .ignore()
        .query_async(redis)
        .await
}
