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
/// `shutdown` resolves. From then on a new client is refused at once; the connections
/// already open go on being echoed until they end by themselves, for at most `grace`; any
/// still open then is closed. Returns `Ok(())` once none is left.
pub async fn serve_until(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> io::Result<()> {
    // The connections' tasks, kept together so that they can be waited for, and the ones
    // left ended.
    let mut connections: JoinSet<io::Result<()>> = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    // TODO: serve until `shutdown`, while watching for it all along: it may come while you
    //       are waiting for the next client.
    // TODO: then the three steps of a graceful stop (the module's doc comment), bounded as
    //       the doc comment above says. Which of them makes the kernel refuse new clients?
    todo!("serve until shutdown, then drain the open connections for at most `grace`")
}
