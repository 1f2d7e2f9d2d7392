//! The user service's server: `session.Users` over mutual TLS, until it is told to stop.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::ca::Identity;
use crate::limit::Limits;
use crate::tls::Handshakes;
use crate::users::Users;

/// What the server is told on its command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub session_ttl: Duration,
    pub handshake_deadline: Duration,
    /// How many handshakes may be under way at once (`None`: as many as the process's open
    /// files allow, up to [`crate::tls::HANDSHAKES_AT_ONCE`]).
    pub handshakes: Option<usize>,
    pub grace: Duration,
    pub limits: Limits,
}

// ANCHOR: serve
/// Serves `session.Users` on `listener`, presenting `identity` and requiring callers'
/// certificates from its CA, until `stop`; then drains within the grace period.
pub async fn serve(
    listener: TcpListener,
    identity: &Identity,
    redis_url: &str,
    options: &Options,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let config = crate::exercises::tls::server_config(identity)?;
    let redis = redis::Client::open(redis_url)
        .with_context(|| format!("{redis_url:?} is not a Redis URL"))?;
    // Redis may take a while to answer, or never: the start races the stop, so that a
    // signal takes the graceful path at any moment, this one too.
    let mut stop = Box::pin(stop);
    let redis = tokio::select! {
        redis = redis::aio::ConnectionManager::new(redis) => {
            redis.with_context(|| format!("cannot reach Redis at {redis_url}"))?
        }
        () = &mut stop => {
            tracing::info!("stopped before Redis answered");
            return Ok(());
        }
    };
    let users = Users::new(redis, options.session_ttl, options.limits);
    let handshakes = Handshakes::new(options.handshake_deadline, options.handshakes);
    let incoming = crate::tls::incoming(listener, Arc::new(config), handshakes);

    let (stopping, stopped) = tokio::sync::watch::channel(false);
    let server = shared::grpc::builder()
        .add_service(users.into_server())
        .serve_with_incoming_shutdown(incoming, async move {
            stop.await;
            let _ = stopping.send(true);
        });
    let mut stopped = stopped;
    let stopped = async move {
        let _ = stopped.wait_for(|stopped| *stopped).await;
    };
    match shared::signal::within_grace(options.grace, stopped, server).await {
        Some(served) => served.context("the server failed"),
        None => Ok(()),
    }
}
// ANCHOR_END: serve
