//! Trying again while the registry is not up yet: patience, bounded.
//!
//! Docker Compose's `depends_on` starts etcd's container first, but a container that has
//! started is not a server that answers: etcd needs a moment to open its port and elect a
//! leader, and a service started next to it fails its registration and exits. A service
//! told to be patient tries again instead, each wait longer than the last, and gives up once
//! the patience is spent — with the last error, which is the one that says what is still
//! wrong.

use std::future::Future;
use std::time::Duration;

/// The first wait, after the first failure.
pub const FIRST_DELAY: Duration = Duration::from_millis(100);

/// The longest wait between two tries: a registry that comes up is used within this.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

/// Runs `attempt` until it succeeds or `patience`, counted from the first try, is spent,
/// waiting between tries: a little longer after each failure, from [`FIRST_DELAY`] up to
/// [`MAX_DELAY`]. The answer is the first success; or, once the patience is spent, the last
/// error — as it is after a single try, and after several saying how many and how long.
/// Each failure that is followed by a wait is logged at WARN.
pub async fn retry_until<F, Fut, T>(patience: Duration, attempt: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    // TODO: try, and while it fails and patience is left, wait and try again. Waits that
    // grow let a registry that is starting up come up without being flooded; the cap keeps
    // a registry that is up from waiting for us long; and the patience is a promise: the
    // service gives up on time. The tests say the schedule exactly.
    todo!("try until it works, for up to {patience:?}")
}
