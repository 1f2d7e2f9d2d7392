//! The gateway's server: the router on a listener, the watcher behind it, and a graceful
//! stop with a deadline.

use std::path::PathBuf;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::routes::{App, router};
use crate::upstream::Upstream;

/// How long the requests in flight may take to finish once the server stops.
pub const GRACE: Duration = Duration::from_secs(5);

/// How long one call to the captcha service may take, connecting included.
pub const DEADLINE: Duration = Duration::from_secs(2);

/// Where the page's files are: the lesson's `view/` folder.
pub fn view_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/view"))
}

// ANCHOR: serve
/// Serves the gateway on `listener`, finding `captcha` through the Consul agent at `agent`,
/// until `shutdown`; then lets the requests in flight finish within [`GRACE`].
pub async fn serve(
    listener: TcpListener,
    agent: String,
    captcha: String,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // One stop, heard by the watcher, the server and the grace period alike.
    let (stop, stopping) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let stopped = |mut stopping: watch::Receiver<bool>| async move {
        let _ = stopping.wait_for(|stopped| *stopped).await;
    };

    let app = App {
        captcha: Upstream::watch(agent, captcha, DEADLINE, stopped(stopping.clone())),
        deadline: DEADLINE,
        view: view_dir(),
    };
    let server = axum::serve(listener, router(app))
        .with_graceful_shutdown(stopped(stopping.clone()))
        .into_future();
    match shared::signal::within_grace(GRACE, stopped(stopping), server).await {
        Some(result) => Ok(result?),
        None => Ok(()), // cut off after the grace period: the warning is logged
    }
}
// ANCHOR_END: serve
