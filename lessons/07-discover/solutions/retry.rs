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
    if instances.is_empty() {
        return Err(Status::unavailable("no passing instance to call"));
    }
    let first = start % instances.len();
    match call(instances[first].clone()).await {
        Err(status) if status.code() == Code::Unavailable && instances.len() > 1 => {
            tracing::debug!(instance = %instances[first], reason = status.message(), "unavailable; trying the next one");
            let next = (first + 1) % instances.len();
            call(instances[next].clone()).await
        }
        answer => answer,
    }
}
