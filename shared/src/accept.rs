//! Listen, accept, one task per connection — and stop cleanly.
//!
//! Every server in this course has the same outer loop. It accepts a connection and hands
//! it to a task of its own, so that one slow client never holds up the others. When told to
//! shut down it stops accepting (new clients are refused at once), gives the connections
//! that are still open a bounded time to finish, and then closes them. The loop lives here
//! once; lesson 02's RPC server runs on it too.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinError, JoinSet};
use tracing::{error, info, warn};

// ANCHOR: serve
/// Accepts connections on `listener` and runs `handle(stream, peer)` for each in its own
/// task, until `shutdown` resolves. Then it closes the listener, waits up to `grace` for the
/// open connections to end by themselves, and aborts those still running.
pub async fn serve<H, F>(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
    mut handle: H,
) where
    H: FnMut(TcpStream, SocketAddr) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    info!(%peer, "connected");
                    // Send each write at once instead of waiting to fill a packet (Nagle's
                    // algorithm): a reply should not wait for the previous one's ACK. Go's
                    // net package does the same by default.
                    if let Err(error) = stream.set_nodelay(true) {
                        warn!(%peer, %error, "cannot set TCP_NODELAY");
                    }
                    let connection = handle(stream, peer);
                    connections.spawn(async move {
                        connection.await;
                        info!(%peer, "disconnected");
                    });
                }
                // Accept fails for reasons that pass (a client gave up before we accepted
                // it, or we ran out of file descriptors): log, breathe, carry on.
                Err(error) => {
                    warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // Collect finished connections as we go, so the set does not grow forever.
            Some(finished) = connections.join_next() => report(finished),
            () = &mut shutdown => break,
        }
    }

    // Closing the listener makes the kernel refuse new connections straight away.
    drop(listener);
    // A connection that ended as the signal came is finished but not yet collected (the
    // loop above took the signal first): collect those, so that `open` counts open ones.
    while let Some(finished) = connections.try_join_next() {
        report(finished);
    }
    info!(
        open = connections.len(),
        "no longer accepting; waiting for open connections"
    );
    let drained = tokio::time::timeout(grace, async {
        while let Some(finished) = connections.join_next().await {
            report(finished);
        }
    })
    .await;
    if drained.is_err() {
        warn!(
            open = connections.len(),
            ?grace,
            "grace period over; closing the rest"
        );
        connections.shutdown().await;
    }
    info!("server stopped");
}
// ANCHOR_END: serve

/// A connection task that panicked is a bug worth a loud log line, never a dead server.
fn report(finished: Result<(), JoinError>) {
    if let Err(failure) = finished
        && failure.is_panic()
    {
        error!(%failure, "a connection task panicked");
    }
}
