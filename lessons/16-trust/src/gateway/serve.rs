//! The gateway served, over plain HTTP or over HTTPS, and stopped gracefully.
//!
//! A room's network holds strangers, and a script there can open connections and send a
//! byte every few seconds, or nothing. So over plain HTTP the gateway is served behind the
//! course's door (`shared::door`, the class server's too): each connection has ten seconds to
//! send a request's headers, so many are let in at once, and one address a quarter of them.
//! Over HTTPS the handshakes are ours ([`crate::tls::incoming`]: each within a deadline,
//! through a door of their own, each refusal logged), and the connections that come through
//! are served as the plain ones are (`shared::door::Connections`): a connection whose
//! handshake is done has the same ten seconds for a request's headers. Either way a stop
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
/// (browsers have none), HTTP/1.1 (whose headers have a deadline).
pub fn https_config(identity: &Identity) -> anyhow::Result<rustls::ServerConfig> {
    let anyone = WebPkiClientVerifier::no_client_auth();
    crate::tls::server_config(identity, anyone, &[b"http/1.1"])
}

// ANCHOR: https
/// Serves `router` over HTTPS on the connections of `incoming` (their handshakes done by
/// [`crate::tls::incoming`]) until `stop`, each with a request's headers within
/// `shared::door::HEADER_TIME`; then lets the requests in flight finish within `grace`.
pub async fn serve_https(
    mut incoming: crate::tls::Incoming,
    router: Router,
    grace: Duration,
    stop: impl Future<Output = ()>,
) {
    let connections = Connections::new();
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
        // The handshakes' door counted it until its handshake was done: no count goes with it.
        connections.serve(tls, peer, router.clone(), None);
    }
    if !connections.finish(grace).await {
        tracing::warn!(?grace, "grace period over; closing what is still open");
    }
}
// ANCHOR_END: https
