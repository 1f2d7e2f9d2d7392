//! Wrong passwords, counted in Redis: when a login needs a captcha, and when it is refused.
//!
//! Argon2 makes each guess cost the server too: a flood of logins would turn the service's
//! cores into someone else's password cracker, and a name with a weak password would fall
//! to patience. So wrong passwords are counted, in keys that expire with their window, and
//! the counts decide before any hashing.
//!
//! The plain answer, a name locked after five wrong passwords, is a denial of service: in
//! a classroom a neighbour locks the teacher out with five requests, from any address.
//! OWASP's advice is to slow or to challenge, not to lock. So there are three counts:
//!
//! - **per name**, from anywhere: past a few wrong passwords, every login for that name
//!   needs a captcha (lesson 09's, spent by the gateway). The owner still gets in, with
//!   one; guesses from many addresses each cost a captcha solved;
//! - **per name and address**: past the limit, that address is refused for that name until
//!   the window ends. A flood at one name from one address stops there, captchas or not,
//!   and a stranger's guesses never count against the owner's address;
//! - **per address**, whatever the names: one address trying many names is refused too.
//!
//! The counts live in Redis, so every instance of the service sees the same ones.

use std::time::Duration;

use redis::aio::ConnectionManager;

/// How many wrong passwords a window allows, and after how many a captcha is needed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wrong passwords for a name, from anywhere, after which its logins need a captcha.
    pub captcha_after: u64,
    /// Wrong passwords for a name from one address, after which that address is refused.
    pub per_name: u64,
    /// Wrong passwords from one address, whatever the names.
    pub per_addr: u64,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            captcha_after: 3,
            per_name: 5,
            per_addr: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// What the counts say of a login.
#[derive(Debug)]
pub enum Verdict {
    /// It may be checked, and it is counted as a wrong password until its check says
    /// otherwise ([`Attempt`]).
    Admitted(Attempt),
    /// The name has had a few wrong passwords lately: it needs a captcha, and has none.
    NeedsCaptcha,
    /// Its address is past a limit, for this name or for all: refused until the window
    /// that refuses it ends, in so long.
    Refused(Duration),
}

fn name_key(name: &str) -> String {
    format!("login-failures:name:{name}")
}

/// A name has no space in it (`users::check_name`): the first space ends it.
fn pair_key(name: &str, addr: &str) -> String {
    format!("login-failures:pair:{name} {addr}")
}

fn addr_key(addr: &str) -> String {
    format!("login-failures:addr:{addr}")
}

/// Judges one attempt: one script, so that attempts racing each other are counted one by
/// one. Each attempt admitted counts as a failure before the password is checked (a flood
/// of 30 at once would otherwise all pass a check made before any of them had failed); a
/// right password takes its count back, and so does an attempt that ends unchecked
/// ([`Attempt`]). An attempt refused is not counted: it cost nothing.
///
/// KEYS: the name's, the name and address's, the address's.
/// ARGV: captcha after, per name and address, per address, the window in ms, captcha (1/0).
/// Answers `{0, 0}` admitted, `{1, 0}` needs a captcha, `{2, ms}` refused for ms.
const ADMIT: &str = r"
local function count(key) return tonumber(redis.call('GET', key) or '0') end
for i = 2, 3 do
  if count(KEYS[i]) >= tonumber(ARGV[i]) then
    local left = redis.call('PTTL', KEYS[i])
    if left < 1000 then left = 1000 end
    return {2, left}
  end
end
if ARGV[5] ~= '1' and count(KEYS[1]) >= tonumber(ARGV[1]) then
  return {1, 0}
end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[4]) end
end
return {0, 0}";

// ANCHOR: admit
/// What the counts say of a login for `name` from `addr`, which brings a captcha the
/// gateway spent (`captcha`) or none.
///
/// The script runs in a task of its own, which hands back the [`Attempt`] it counted: a
/// caller that gives up while the script runs (its client hung up) drops that task's
/// answer, and the attempt with it, which takes its count back. Awaited here, the script
/// could count an attempt that nobody then held.
pub async fn admit(
    redis: &ConnectionManager,
    limits: Limits,
    name: &str,
    addr: &str,
    captcha: bool,
) -> redis::RedisResult<Verdict> {
    let window = limits.window.as_millis().max(1) as u64;
    let (mut redis, name, addr) = (redis.clone(), name.to_owned(), addr.to_owned());
    let judged = tokio::spawn(async move {
        let (verdict, left): (u8, u64) = redis::Script::new(ADMIT)
            .key(name_key(&name))
            .key(pair_key(&name, &addr))
            .key(addr_key(&addr))
            .arg(limits.captcha_after)
            .arg(limits.per_name)
            .arg(limits.per_addr)
            .arg(window)
            .arg(u8::from(captcha))
            .invoke_async(&mut redis)
            .await?;
        Ok(match verdict {
            0 => Verdict::Admitted(Attempt {
                redis,
                name,
                addr,
                settled: false,
            }),
            1 => Verdict::NeedsCaptcha,
            _ => Verdict::Refused(Duration::from_millis(left)),
        })
    });
    match judged.await {
        Ok(judged) => judged,
        // The task panicked (a bug): the panic goes on here.
        Err(failure) => std::panic::resume_unwind(failure.into_panic()),
    }
}
// ANCHOR_END: admit

// ANCHOR: attempt
/// A login admitted, counted as a wrong password until its check says otherwise.
///
/// It is counted before its check, on purpose: thirty guesses sent at once would all pass
/// a check of the counts made before any of them had failed. But an attempt can end
/// without a verdict: its client hangs up, the gateway's deadline passes, the server is
/// stopped, Redis fails. Such an attempt said nothing wrong, and must not stay counted, or
/// the owner's own logins, cut short, would leave the name needing a captcha. So the count
/// is taken back unless the check said wrong ([`Attempt::wrong`]) or right
/// ([`Attempt::right`]): when the attempt is dropped. A drop cannot await, so it hands the
/// taking back to a task of its own. (A process killed outright takes back nothing: its
/// counts expire with their window.)
#[derive(Debug)]
pub struct Attempt {
    redis: ConnectionManager,
    name: String,
    addr: String,
    /// The check said right or wrong: the count is the verdict's to keep or take back.
    settled: bool,
}

impl Attempt {
    /// The check said wrong: the count stays.
    pub fn wrong(mut self) {
        self.settled = true;
    }

    /// The check said right: the address's failures for the name are forgotten, and the
    /// count given back ([`SUCCEEDED`]). In a task of its own, so that it is done even if
    /// the caller gives up meanwhile.
    pub async fn right(mut self) -> redis::RedisResult<()> {
        self.settled = true;
        let (mut redis, name, addr) = (self.redis.clone(), self.name.clone(), self.addr.clone());
        let script = redis::Script::new(SUCCEEDED);
        let done = tokio::spawn(async move {
            script
                .key(name_key(&name))
                .key(pair_key(&name, &addr))
                .key(addr_key(&addr))
                .invoke_async(&mut redis)
                .await
        });
        match done.await {
            Ok(done) => done,
            Err(failure) => std::panic::resume_unwind(failure.into_panic()),
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (mut redis, name, addr) = (
            self.redis.clone(),
            std::mem::take(&mut self.name),
            std::mem::take(&mut self.addr),
        );
        runtime.spawn(async move {
            let taken_back: redis::RedisResult<()> = redis::Script::new(TAKE_BACK)
                .key(name_key(&name))
                .key(pair_key(&name, &addr))
                .key(addr_key(&addr))
                .invoke_async(&mut redis)
                .await;
            if let Err(error) = taken_back {
                tracing::warn!("a login for {name:?} ended unchecked, and stays counted: {error}");
            }
        });
    }
}
// ANCHOR_END: attempt

/// Takes back the count of an attempt that ended without a verdict, from the name, the
/// name and address, and the address. A count is never taken below nothing.
const TAKE_BACK: &str = r"
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0";

/// Takes a right password's attempt back: its address's failures for the name are
/// forgotten, and its count given back to the name and to the address. (The name keeps its
/// other failures, which may be a stranger's, and the address its others: it may be trying
/// many names.) A count is never taken below nothing, nor made again once expired.
const SUCCEEDED: &str = r"
redis.call('DEL', KEYS[2])
for _, key in ipairs({KEYS[1], KEYS[3]}) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0";
