//! Exercise `tcp.shutdown`: stop cleanly.
//!
//! Killing a server mid-conversation cuts off every client in the middle of a reply. A
//! graceful shutdown has three steps: stop accepting (close the listener, so new clients
//! are refused at once and can try another server), let the connections that are open
//! finish, and — because a client may never finish — stop waiting after a grace period.

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinSet;

// Each connection is served by the worked example's line echo, with its line limit.
use crate::server::{MAX_LINE, echo_lines};

/// Echoes the lines of every connection (`echo_lines`, until its EOF) in its own task until
/// `shutdown` resolves. Then: drop the listener, wait for the open connections to end by
/// themselves for at most `grace`, abort those still open, and return `Ok(())`.
pub async fn serve_until(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> io::Result<()> {
    // The connections' tasks, kept together so that they can be waited for, and the ones
    // left ended.
    let mut connections: JoinSet<io::Result<()>> = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _peer) = accepted?;
                connections.spawn(echo_lines(stream, MAX_LINE));
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener); // from here on, connecting clients are refused
    let _ = tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    // Dropping the set aborts whatever is still running, closing those connections.
    Ok(())
}
