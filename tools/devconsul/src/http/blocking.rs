//! Blocking queries: "answer when the index moves past N, or after `wait`".
//!
//! A waiting request holds no thread and no lock: it holds a `watch` receiver of the
//! store's index. On every change it re-runs its read; if the read's own index (which
//! moves only when something the read depends on changed) still equals the one the
//! client has, it goes back to waiting. So a client never gets an early answer with an
//! unchanged index.

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
    let deadline = Instant::now() + wait;
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
