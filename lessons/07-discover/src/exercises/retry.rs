//! One more try, on the next instance, when the one picked is gone.

use std::future::Future;

use tonic::{Code, Status};

/// The answer of one call through `call`, made first to the instance whose turn `start` is
/// (any number: the picker's turn, taken round the list), and made again at most once,
/// elsewhere, when that instance could not be reached.
///
/// - `Unavailable` (nobody listens there, or the server is shutting down) says the call
///   never reached a working server: the next instance in the list, the first after the
///   last, gets one more try, if it is another instance.
/// - Any other answer, success or error, is the answer: a retry would only repeat the
///   error, or do twice what must be done once.
/// - No instance at all: `Unavailable`, and nothing is called.
pub async fn call_with_retry<T, F, Fut>(
    instances: &[String],
    start: usize,
    mut call: F,
) -> Result<T, Status>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    // TODO: the answer of the doc comment: at most two calls, never two to one instance.
    todo!("call one instance, and the next one if the first is unavailable")
}
