//! Trying again while the registry is not up yet: patience, bounded.
//!
//! On one machine the registry is started first, by hand, and a service that finds it
//! down has every reason to stop at once and say so. Deployed, nobody starts things in
//! order. Docker Compose's `depends_on` starts etcd's container first, but a container
//! that has started is not a server that answers: etcd needs a moment to open its port and
//! elect a leader, and the service started next to it fails its registration and exits.
//! Restarting it until it works (`restart: on-failure`) hides the reason in a loop of
//! crashes. A service told to be patient tries again instead: at once, then after 100 ms,
//! then twice as long each time up to 2 s, and gives up once the patience is spent — with
//! the last error, which is the one that says what is still wrong.
//!
//! `--registry-wait` (`MICRO_REGISTRY_WAIT`) is that patience; it is zero unless given, so
//! a service started by hand still fails at once, as it always has.

use std::future::Future;
use std::time::Duration;

use anyhow::Context as _;
use tokio::time::Instant;
use tracing::warn;

/// The wait after the first failure; each wait after that is twice the one before.
pub const FIRST_DELAY: Duration = Duration::from_millis(100);

/// The longest wait between two tries: a registry that comes up is used within this.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

// ANCHOR: retry_until
/// Runs `attempt` until it succeeds or `patience` is spent: at once, then after
/// [`FIRST_DELAY`], each wait twice the one before up to [`MAX_DELAY`], and no try starts
/// after `patience` has passed (the last wait is cut short to end at it exactly).
///
/// Each failure but the last is logged at WARN with the wait that follows. With a zero
/// patience there is exactly one try, and its error is returned as it is; after several
/// tries, the last error is returned, with a context that says how many tries and how long.
pub async fn retry_until<F, Fut, T>(patience: Duration, mut attempt: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let started = Instant::now();
    let deadline = started + patience;
    let mut delay = FIRST_DELAY;
    let mut tries = 0;
    loop {
        tries += 1;
        let error = match attempt().await {
            Ok(done) => return Ok(done),
            Err(error) => error,
        };
        // The time the tries themselves took counts: the patience is measured from the start.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            if tries == 1 {
                return Err(error);
            }
            let waited = round_to_millis(started.elapsed());
            return Err(error).context(format!("still failing after {tries} tries in {waited:?}"));
        }
        let wait = delay.min(left);
        warn!("{error:#}; trying again in {:?}", round_to_millis(wait));
        tokio::time::sleep(wait).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}
// ANCHOR_END: retry_until

/// `duration` to the millisecond, so that a message says `30.004s`, not `30.004123877s`.
fn round_to_millis(duration: Duration) -> Duration {
    Duration::from_millis(duration.as_millis().try_into().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_is_said_to_the_millisecond() {
        assert_eq!(
            format!(
                "{:?}",
                round_to_millis(Duration::from_nanos(30_004_123_877))
            ),
            "30.004s"
        );
    }
}
