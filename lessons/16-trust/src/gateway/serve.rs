//! The gateway served, over plain HTTP or over HTTPS, and stopped gracefully.
//!
//! Over HTTP, axum's own server is enough. Over HTTPS the handshakes are ours
//! ([`crate::tls::incoming`]: each within a deadline, each refusal logged), so the
//! connections that come through are handed to hyper one by one, and hyper's
//! `GracefulShutdown` waits for the requests in flight when the gateway stops. Either way a
//! stop lets those requests finish within a grace period, then closes what is still open.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rustls::server::WebPkiClientVerifier;
use tokio::net::TcpListener;
use tokio_stream::StreamExt as _;

use crate::ca::Identity;

/// Serves `router` over plain HTTP on `listener` until `stop`; then lets the requests in
/// flight finish within `grace`.
pub async fn serve_http(
    listener: TcpListener,
    router: Router,
    grace: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    );
    // axum stops accepting when `stop` ends; the grace period starts then, not before.
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let server = std::future::IntoFuture::into_future(server.with_graceful_shutdown(async move {
        stop.await;
        let _ = stopping.send(true);
    }));
    let stopped = async move {
        let _ = stopped.wait_for(|stopped| *stopped).await;
    };
    if let Some(served) = shared::signal::within_grace(grace, stopped, server).await {
        served.context("the gateway failed")?;
    }
    Ok(())
}

/// The rustls configuration of the gateway's HTTPS: its own certificate, no client's
/// (browsers have none), HTTP/2 or HTTP/1.1.
pub fn https_config(identity: &Identity) -> anyhow::Result<rustls::ServerConfig> {
    let anyone = WebPkiClientVerifier::no_client_auth();
    crate::tls::server_config(identity, anyone, &[b"h2", b"http/1.1"])
}

// ANCHOR: https
/// Serves `router` over HTTPS on the connections of `incoming` (their handshakes done by
/// [`crate::tls::incoming`]) until `stop`; then lets the requests in flight finish within
/// `grace`.
pub async fn serve_https(
    mut incoming: crate::tls::Incoming,
    router: Router,
    grace: Duration,
    stop: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    let mut stop = std::pin::pin!(stop);
    loop {
        let tls = tokio::select! {
            next = incoming.next() => match next {
                Some(Ok(tls)) => tls,
                Some(Err(_)) => continue,
                None => break,
            },
            () = &mut stop => break,
        };
        let Ok(peer) = tls.get_ref().0.peer_addr() else {
            continue;
        };
        // What `into_make_service_with_connect_info` gives a plaintext server's handlers.
        let app = router.clone().layer(Extension(ConnectInfo(peer)));
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(tls), TowerToHyperService::new(app))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!("{peer}: {error}");
            }
        });
    }
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(?grace, "grace period over; closing what is still open");
    }
}
// ANCHOR_END: https
