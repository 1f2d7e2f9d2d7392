//! One more try, on the next instance, when the one picked is gone.

use std::future::Future;

use tonic::{Code, Status};

/// Calls `call` with `instances[start]`; if that fails with `Unavailable` (nobody
/// listens there, or the server is shutting down) and there is another instance, calls
/// `call` once more with the next one, `instances[(start + 1) % len]`. Any other error is
/// the answer: a retry would only repeat it, or do twice what must be done once.
///
/// With no instance at all, it is `Unavailable` without calling anything.
pub async fn call_with_retry<T, F, Fut>(
    instances: &[String],
    start: usize,
    mut call: F,
) -> Result<T, Status>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    // TODO: call the instance at `start` (modulo the length); on `Code::Unavailable`, call
    // the next one, once. `start` may be larger than the list.
    todo!("call one instance, and the next one if the first is unavailable")
}
