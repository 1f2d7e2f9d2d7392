//! An HTTP server behind a [`Door`]: the door says who comes in, and a deadline says how
//! long each may take to ask.
//!
//! A door counts connections; a server that holds each until its request's headers come
//! would still be held by a client that sends them a byte every few seconds, or never ends
//! them. So every connection here has [`HEADER_TIME`] to send a request's headers, whether
//! it is new or waiting between two requests (hyper's `header_read_timeout`), and is closed
//! after it. A body's deadline is the handler's to set, as it reads the body. Stopping lets
//! the requests in flight finish, for a grace period at most.
//!
//! The class server (`workbook-full`'s `class serve`) and lesson 16's gateway over plain
//! HTTP are served by this. A server that accepts its connections otherwise (lesson 16's
//! gateway over HTTPS, whose TLS handshakes are its own) serves each through
//! [`Connections`], with the same deadline.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tower::Service;

use super::{Door, Full, Inside};

/// How long a connection may take to send a request's headers, or wait for its next one.
pub const HEADER_TIME: Duration = Duration::from_secs(10);

/// Serves `routes` over HTTP/1.1 on `listener` through `door` until `stop`, then waits up to
/// `grace` for the requests in flight. Each request knows its client's address
/// (`ConnectInfo<SocketAddr>`, as axum's `into_make_service_with_connect_info` gives it).
pub async fn serve(
    listener: tokio::net::TcpListener,
    routes: Router,
    door: Arc<Door>,
    stop: impl Future<Output = ()>,
    grace: Duration,
) {
    let connections = Connections::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of files for a moment (a flood): those inside are served meanwhile.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let inside = match door.enter(peer.ip()) {
            Ok(inside) => inside,
            Err(full) => {
                tracing::debug!("closed {peer} at once: {}", crowded(full));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        connections.serve(stream, peer, routes.clone(), Some(inside));
    }
    drop(listener);
    connections.finish(grace).await;
}

/// The connections a server let in, each served over HTTP/1.1 in a task of its own with
/// [`HEADER_TIME`] for each request's headers, and waited for when the server stops.
pub struct Connections {
    http: http1::Builder,
    graceful: GracefulShutdown,
}

impl Default for Connections {
    fn default() -> Connections {
        Connections::new()
    }
}

impl Connections {
    pub fn new() -> Connections {
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIME)
            .max_buf_size(64 * 1024);
        Connections {
            http,
            graceful: GracefulShutdown::new(),
        }
    }

    /// Serves `routes` on `stream`, a connection from `peer` (a TCP stream, or a TLS stream
    /// over one), until either side ends it; `inside`, the door's count of it if it is
    /// counted, goes with it.
    pub fn serve<S>(&self, stream: S, peer: SocketAddr, routes: Router, inside: Option<Inside>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            routes.clone().call(request)
        });
        let connection = self.http.serve_connection(TokioIo::new(stream), service);
        let connection = self.graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!("the connection from {peer} ended: {err}");
            }
            drop(inside);
        });
    }

    /// Lets the requests in flight finish, for `grace` at most; whether they all did.
    pub async fn finish(self, grace: Duration) -> bool {
        tokio::time::timeout(grace, self.graceful.shutdown())
            .await
            .is_ok()
    }
}

/// Why the door let a connection no further, in words.
fn crowded(full: Full) -> String {
    match full {
        Full::All { most } => format!("{most} connections open, the most at once"),
        Full::Share { share } => format!("{share} connections from its address open, its share"),
    }
}
