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

/// The wait after the first failure; each wait after that is twice the one before.
pub const FIRST_DELAY: Duration = Duration::from_millis(100);

/// The longest wait between two tries: a registry that comes up is used within this.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

/// Runs `attempt` until it succeeds or `patience` is spent: at once, then after
/// [`FIRST_DELAY`], each wait twice the one before up to [`MAX_DELAY`], and no try starts
/// after `patience` has passed (the last wait is cut short to end at it exactly).
///
/// Each failure but the last is logged at WARN with the wait that follows. With a zero
/// patience there is exactly one try, and its error is returned as it is; after several
/// tries, the last error is returned, with a context that says how many tries and how long.
pub async fn retry_until<F, Fut, T>(patience: Duration, attempt: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    // TODO: try, and while it fails and patience is left, wait and try again, as the doc
    // comment says. Waits that grow let a registry that is starting up come up without
    // being flooded; the cap keeps a registry that is up from waiting for us long; and the
    // patience, counted from the first try, is a promise: the service gives up on time.
    todo!("try until it works, for up to {patience:?}")
}
