//! Lesson 05's Greeter, served fast: `l05-grpc server --fast`.
//!
//! The worked example ([`crate::server`]) is tonic's server: hyper and the `h2` crate speak
//! HTTP/2, a task runs each call, tower layers add the timeout and the limits, a router
//! finds the method. That is the shape to build services on. This server asks what a call
//! costs without it, and answers the same calls on the same port conventions with two
//! changes:
//!
//! - **Where it runs.** One single-threaded (`current_thread`) runtime per core, each with
//!   its own listening socket on the same port (`SO_REUSEPORT`): the kernel hands each new
//!   connection to one of them, and the connection lives on that thread from start to end.
//!   Nothing on the path of a call is shared between threads.
//! - **How it speaks.** The connection reads HTTP/2 frames itself (`connection.rs`,
//!   `frames.rs`), with the course's own frame and HPACK code (`shared::http2`), and calls
//!   the worked example's [`GreeterService`] inside the connection's task (`calls.rs`): one
//!   read takes in the calls that arrived, one write sends all their replies (`reply.rs`).
//!
//! It keeps the worked example's limits (128 streams a connection, 16 KiB of metadata,
//! 4 MiB messages, keepalive) and its graceful stop: health turns NOT_SERVING, every
//! connection gets a GOAWAY (two, in fact: see `connection.rs`), calls in flight finish
//! within [`SHUTDOWN_GRACE`]. And it refuses what breaks HTTP/2's rules as RFC 9113 says
//! (`states.rs`, `request.rs`).
//!
//! What it gives up, and why the worked example stays the teaching shape: it answers the
//! Greeter's three methods and health (`Check` and `Watch`) only — no server reflection (so
//! `grpcurl` needs the `.proto` file), no compression, no interceptors, no tower layers — and
//! a unary handler that waits would hold up its whole connection. A connection never moves between cores, so one busy client can
//! load one core while another idles. And note that another program of the same user may
//! bind the same port with `SO_REUSEPORT` too and receive a share of the connections.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::thread;

use anyhow::Context as _;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, watch};

use crate::greeter::GreeterService;
use crate::server::SHUTDOWN_GRACE;

mod calls;
mod connection;
mod control;
mod frames;
mod headers;
mod keepalive;
mod reply;
mod request;
mod states;
mod streams;

/// How many runtimes [`serve`] starts by default: one per core this process may run on
/// (`taskset` and cgroup limits count, so a server pinned to one core gets one).
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

// ANCHOR: bind
/// Listens with `runtimes` sockets on `addr`, all with `SO_REUSEPORT`. With port 0 the first
/// socket picks a free port and the others take the same one. Connections are accepted into
/// the kernel's queue from the moment this returns. Call it inside a tokio runtime (tokio
/// makes the sockets); each is handed over to its own runtime by [`serve`].
pub fn bind(addr: SocketAddr, runtimes: usize) -> anyhow::Result<Vec<std::net::TcpListener>> {
    let mut sockets = Vec::with_capacity(runtimes);
    let mut addr = addr;
    for _ in 0..runtimes.max(1) {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        socket.set_reuseport(true)?;
        socket
            .bind(addr)
            .with_context(|| format!("cannot listen on {addr}"))?;
        addr = socket.local_addr()?;
        sockets.push(socket.listen(1024)?.into_std()?);
    }
    Ok(sockets)
}
// ANCHOR_END: bind

// ANCHOR: serve
/// Serves the worked example's Greeter on `sockets` (from [`bind`]), each on a
/// single-threaded runtime of its own thread, until `shutdown` completes. Then every runtime
/// drains as the worked example does (health NOT_SERVING, calls in flight get
/// [`SHUTDOWN_GRACE`]), and this returns when all of them have stopped.
pub async fn serve(
    sockets: Vec<std::net::TcpListener>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    // Two signals for all runtimes, as watch channels, which every runtime can await: the
    // server's health (every connection hears when it turns NOT_SERVING), and the stop.
    // Each runtime reports how it ended on `ended`.
    let (health_tx, health_rx) = watch::channel(true);
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ended_tx, mut ended) = mpsc::unbounded_channel();
    let count = sockets.len();
    for (n, socket) in sockets.into_iter().enumerate() {
        let mut stop = stop_rx.clone();
        let health = health_rx.clone();
        let ended_tx = ended_tx.clone();
        thread::Builder::new()
            .name(format!("grpc-runtime-{n}"))
            .spawn(move || {
                let served = run_one(socket, health, async move {
                    let _ = stop.wait_for(|stop| *stop).await;
                });
                let _ = ended_tx.send(served);
            })?;
    }
    drop(ended_tx);

    // Stop when asked, or as soon as one runtime ends (then the others are stopped too).
    let mut outcome = Ok(());
    let mut running = count;
    tokio::select! {
        () = shutdown => {
            tracing::info!("shutting down: health is NOT_SERVING, finishing calls in flight");
            let _ = health_tx.send(false);
        }
        first = ended.recv() => {
            running -= 1;
            outcome = first.unwrap_or_else(|| Err(anyhow::anyhow!("a runtime panicked")));
        }
    }
    let _ = stop_tx.send(true);
    while running > 0 {
        running -= 1;
        // `None`: a thread ended without a word, which only a panic does.
        let result = ended.recv().await;
        outcome = outcome.and(result.unwrap_or_else(|| Err(anyhow::anyhow!("a runtime panicked"))));
    }
    outcome
}

/// One runtime: a single thread that accepts on its own socket and serves its connections,
/// each in a task of its own (lesson 01's accept loop), until `stop`.
fn run_one(
    socket: std::net::TcpListener,
    health: watch::Receiver<bool>,
    stop: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::from_std(socket)?;
        let greeter = Arc::new(GreeterService);
        shared::accept::serve(listener, stop, SHUTDOWN_GRACE, |socket, _peer| {
            connection::serve(socket, greeter.clone(), health.clone())
        })
        .await;
        Ok(())
    })
}
// ANCHOR_END: serve
