//! The gateway served, over plain HTTP or over HTTPS, and stopped gracefully.
//!
//! A room's network holds strangers, and a script there can open connections and send a
//! byte every few seconds, or nothing. So over plain HTTP the gateway is served behind the
//! course's door (`shared::door`, the class server's too): each connection has ten seconds to
//! send a request's headers, so many are let in at once, and one address a quarter of them.
//! Over HTTPS the handshakes are ours ([`crate::tls::incoming`]: each within a deadline,
//! through a door of their own, each refusal logged), so the connections that come through
//! are handed to hyper one by one, and hyper's `GracefulShutdown` waits for the requests in
//! flight when the gateway stops. Either way a stop lets those requests finish within a
//! grace period, then closes what is still open.

use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rustls::server::WebPkiClientVerifier;
use shared::door::{self, Door};
use tokio::net::TcpListener;
use tokio_stream::StreamExt as _;

use crate::ca::Identity;

/// How many connections the plain HTTP gateway holds at once (fewer if the process may open
/// fewer files), a quarter of them from one address; a connection past them is closed at
/// once.
pub const CONNECTIONS_AT_ONCE: usize = 1024;

/// Serves `router` over plain HTTP on `listener` until `stop`, behind a door: each
/// connection has `shared::door::HEADER_TIME` to send a request's headers, and one address
/// holds a quarter of the connections at most. Then lets the requests in flight finish
/// within `grace`.
pub async fn serve_http(
    listener: TcpListener,
    router: Router,
    grace: Duration,
    stop: impl Future<Output = ()>,
) {
    let files = door::raise_file_limit();
    let door = Door::new(door::most_for_files(files, CONNECTIONS_AT_ONCE));
    door::serve(listener, router, door, stop, grace).await;
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
