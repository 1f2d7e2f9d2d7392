//! How a server learns that it should stop, and how long it may take.
//!
//! A person stops a server with Ctrl-C, which is the signal SIGINT. Everything else stops
//! it with SIGTERM: `kill PID`, systemd, Docker and Kubernetes all send it, then wait a
//! while, then send SIGKILL, which no program can catch. So both signals take the same
//! graceful path: stop accepting, finish what was begun, exit. Two rules keep that path
//! honest:
//!
//! - it has a deadline: a server gives the work in flight a grace period, then cuts off what
//!   is left ([`within_grace`]), so one stuck client cannot keep it up forever;
//! - a second signal ends the process at once, for the person who does not want to wait.

use std::future::Future;
use std::time::Duration;

use tracing::{info, warn};

// ANCHOR: shutdown
/// Listens for SIGINT (Ctrl-C) and SIGTERM from now on, and resolves on the first one. From
/// then on, a second one of either ends the process at once, without waiting for the
/// graceful stop to finish.
///
/// The handlers are installed when this is *called*, not when the future is first awaited:
/// a signal that came in between would still have its default effect and kill the process
/// on the spot. So call it before the server starts (as `main` does), and await it later.
pub fn shutdown() -> impl Future<Output = ()> + Send + 'static {
    let listening = Signals::listen();
    async move {
        let mut signals = match listening {
            Ok(signals) => signals,
            Err(error) => {
                // Without a handler we could never stop cleanly, and never notice a signal:
                // say so, and never resolve (the default action of the signals still applies).
                warn!(%error, "cannot listen for SIGINT/SIGTERM");
                return std::future::pending().await;
            }
        };
        let first = signals.next().await;
        info!("{first} received: shutting down (send it again to stop at once)");

        // Once a handler is installed the signal no longer kills the process by itself, so
        // a second Ctrl-C would go unnoticed. Watch for it in the background.
        tokio::spawn(async move {
            let second = signals.next().await;
            warn!("{second} received again: stopping now");
            std::process::exit(128 + second.number());
        });
    }
}
// ANCHOR_END: shutdown

// ANCHOR: within_grace
/// Runs `server` until it finishes by itself; once `stopping` has resolved, waits at most
/// `grace` more for it. Returns what the server returned, or `None` when it was cut off.
///
/// `stopping` is the same stop the server was given (a server stops *gracefully* on it:
/// no new connections, the calls already begun finish). This adds the deadline the server
/// may not have: after `grace`, the server future is dropped, which closes its listener
/// and every connection it still holds.
pub async fn within_grace<T>(
    grace: Duration,
    stopping: impl Future<Output = ()>,
    server: impl Future<Output = T>,
) -> Option<T> {
    let mut server = std::pin::pin!(server);
    tokio::select! {
        finished = &mut server => return Some(finished),
        () = stopping => {}
    }
    match tokio::time::timeout(grace, server).await {
        Ok(finished) => Some(finished),
        Err(_) => {
            warn!(?grace, "grace period over; closing what is still open");
            None
        }
    }
}
// ANCHOR_END: within_grace

/// The two stop signals, each with its handler installed.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

/// Which signal arrived.
#[derive(Debug, Clone, Copy)]
enum Stop {
    Interrupt,
    #[cfg_attr(not(unix), allow(dead_code))]
    Terminate,
}

impl Stop {
    /// The signal's number, for the exit status a shell shows (128 + number).
    fn number(self) -> i32 {
        match self {
            Stop::Interrupt => 2,
            Stop::Terminate => 15,
        }
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stop::Interrupt => "SIGINT (Ctrl-C)",
            Stop::Terminate => "SIGTERM",
        })
    }
}

#[cfg(unix)]
impl Signals {
    fn listen() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) -> Stop {
        tokio::select! {
            _ = self.interrupt.recv() => Stop::Interrupt,
            _ = self.terminate.recv() => Stop::Terminate,
        }
    }
}

// Windows has Ctrl-C but no SIGTERM.
#[cfg(not(unix))]
impl Signals {
    fn listen() -> std::io::Result<Signals> {
        Ok(Signals {})
    }

    async fn next(&mut self) -> Stop {
        match tokio::signal::ctrl_c().await {
            Ok(()) => Stop::Interrupt,
            Err(_) => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use tokio::sync::oneshot;

    #[tokio::test]
    async fn a_server_that_finishes_in_its_grace_period_keeps_its_result() {
        let (finish, finished) = oneshot::channel();
        let server = async { finished.await.map(|()| "done") };
        // The stop has come; the server finishes well within its grace period.
        finish.send(()).unwrap();
        let result = within_grace(Duration::from_secs(60), async {}, server).await;
        assert_eq!(result, Some(Ok("done")));
    }

    #[tokio::test]
    async fn a_server_still_busy_after_the_grace_period_is_cut_off() {
        let server = std::future::pending::<()>();
        let result = within_grace(Duration::from_millis(20), async {}, server).await;
        assert_eq!(result, None);
    }

    #[tokio::test]
    async fn no_deadline_before_the_stop() {
        // Without a stop, a server runs as long as it likes: longer than the grace period.
        let server = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            7
        };
        let result = within_grace(Duration::ZERO, std::future::pending(), server).await;
        assert_eq!(result, Some(7));
    }
}
