//! Exercise `deregister.always`: deregister on every way out.
//!
//! A server that stops on a signal deregisters as part of its stop. But serving can also end
//! on its own: the listener fails, a task returns an error, code panics. If deregistering
//! is written after `serving.await`, an error returned early with `?` or a panic skips it,
//! and the catalog sends callers to a server that is gone until the agent reaps it. Go has
//! `defer` for this; async Rust has no async destructor, so the deregistration has to be
//! awaited on every path by hand, the panic included.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use shared::registered::Registration;
use tracing::warn;

/// Registers, then runs `serving` to its end, then deregisters, whether `serving` returned
/// `Ok`, returned `Err` or panicked. Returns what `serving` returned (a panic goes on after
/// the deregistration); when only the deregistration failed, its error. Does not run
/// `serving` at all when the registration fails.
pub async fn serve_then_deregister<F>(registration: &Registration, serving: F) -> anyhow::Result<()>
where
    F: Future<Output = anyhow::Result<()>>,
{
    // TODO: register, serve, deregister, as the doc comment says: the deregistration is
    // awaited after every way `serving` can end — Ok, Err, or a panic — before what
    // `serving` did is handed back.
    todo!("deregister.always: deregister whatever way serving ends")
}
