//! The gateway served, over plain HTTP or over HTTPS, and stopped gracefully.
//!
//! A room's network holds strangers, and a script there can open connections and send a
//! byte every few seconds, or nothing. So over plain HTTP the gateway is served behind the
//! course's door (`shared::door`, the class server's too): each connection has ten seconds to
//! send a request's headers, so many are let in at once, and one address a quarter of them.
//! Over HTTPS the handshakes are ours ([`crate::tls::counted`]: each within a deadline, each
//! refusal logged), through the same door, which counts a connection from its accept to its
//! close, across its handshake and its requests; the connections that come through are
//! served as the plain ones are (`shared::door::Connections`): a connection whose handshake
//! is done has the same ten seconds for a request's headers. Either way a stop
//! lets the requests in flight finish within a grace period, then closes what is still open.
//!
//! HTTPS offers HTTP/1.1 alone: hyper holds HTTP/1.1's headers to a deadline, and sets none
//! for HTTP/2's, whose client could finish its handshake and then say nothing for as long
//! as it liked. Browsers speak HTTP/1.1 over TLS as readily.

use std::time::Duration;

use axum::Router;
use rustls::server::WebPkiClientVerifier;
use shared::door::{self, Connections, Door};
use tokio::net::TcpListener;

use crate::ca::Identity;

/// How many connections the gateway holds at once, over HTTP or HTTPS (fewer if the process
/// may open fewer files), a quarter of them from one address; a connection past them is
/// closed at once.
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
/// (browsers have none), HTTP/1.1 (whose headers have a deadline).
pub fn https_config(identity: &Identity) -> anyhow::Result<rustls::ServerConfig> {
    let anyone = WebPkiClientVerifier::no_client_auth();
    crate::tls::server_config(identity, anyone, &[b"http/1.1"])
}

/// How the gateway takes its HTTPS connections: each handshake within `deadline`, and each
/// connection, from its accept to its close, through a door as the plain gateway's.
pub fn https_door(deadline: Duration) -> crate::tls::Handshakes {
    crate::tls::Handshakes::new(deadline, Some(CONNECTIONS_AT_ONCE))
}

// ANCHOR: https
/// Serves `router` over HTTPS on the connections of `incoming` (their handshakes done by
/// [`crate::tls::counted`]) until `stop`, each with a request's headers within
/// `shared::door::HEADER_TIME`; then lets the requests in flight finish within `grace`.
pub async fn serve_https(
    mut incoming: crate::tls::Counted,
    router: Router,
    grace: Duration,
    stop: impl Future<Output = ()>,
) {
    let connections = Connections::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (tls, inside) = tokio::select! {
            next = incoming.recv() => match next {
                Some(next) => next,
                None => break,
            },
            () = &mut stop => break,
        };
        let Ok(peer) = tls.get_ref().0.peer_addr() else {
            continue;
        };
        // The door counted it from its accept; the count goes with it until it closes.
        connections.serve(tls, peer, router.clone(), Some(inside));
    }
    if !connections.finish(grace).await {
        tracing::warn!(?grace, "grace period over; closing what is still open");
    }
}
// ANCHOR_END: https
