//! Blocking queries: "answer when the index moves past N, or after `wait`".
//!
//! A waiting request holds no thread and no lock: it holds a `watch` receiver of the
//! store's index. On every change it re-runs its read; if the read's own index (which
//! moves only when something the read depends on changed) still equals the one the
//! client has, it goes back to waiting. So a client never gets an early answer with an
//! unchanged index.
//!
//! Like Consul, the agent adds up to `wait / 16` of random time to each wait, so that
//! clients that started together do not all come back in the same instant.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use tokio::time::Instant;

use super::{Call, HttpError};
use crate::state::Store;

/// Runs `read` against the store until its index differs from the client's `?index=`,
/// the wait runs out or the agent stops. Returns the last index (at least 1) and result.
pub async fn wait_for<T>(
    call: &Call,
    mut read: impl FnMut(&Store) -> (u64, T),
) -> Result<(u64, T), HttpError> {
    let (wanted, wait) = call.query.blocking()?;
    let shared = &call.shared;
    let mut changes = shared.subscribe();
    let deadline = Instant::now() + wait + jitter(wait);
    let stopping = shared.stopping();
    tokio::pin!(stopping);
    loop {
        // Mark the current index as seen *before* reading, so that a change made right
        // after the read still wakes us.
        changes.borrow_and_update();
        let (index, result) = {
            let store = shared.store();
            read(&store)
        };
        let index = index.max(1);
        if wanted == 0 || index != wanted || Instant::now() >= deadline {
            return Ok((index, result));
        }
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return Ok((index, result));
                }
            }
            _ = tokio::time::sleep_until(deadline) => {}
            _ = &mut stopping => return Ok((index, result)),
        }
    }
}

/// A random duration from zero to `wait / 16`. The randomness is std's: every
/// `RandomState` is seeded apart from the others, so hashing anything with a new one gives
/// a number no caller can predict, which is all this needs.
fn jitter(wait: Duration) -> Duration {
    let random = RandomState::new().hash_one(0u8);
    (wait / 16).mul_f64(random as f64 / u64::MAX as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_at_most_a_sixteenth_and_varies() {
        let wait = Duration::from_secs(160);
        let draws: Vec<Duration> = (0..100).map(|_| jitter(wait)).collect();
        assert!(
            draws.iter().all(|d| *d <= Duration::from_secs(10)),
            "{draws:?}"
        );
        assert!(
            draws.iter().any(|d| *d != draws[0]),
            "never varies: {draws:?}"
        );
        assert_eq!(jitter(Duration::ZERO), Duration::ZERO);
    }
}
