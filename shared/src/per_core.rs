//! One single-threaded runtime per core, each accepting on its own socket of the same port.
//!
//! `#[tokio::main]` starts tokio's multi-threaded runtime: worker threads share the tasks,
//! and a task woken by one thread may run on another. That is what a server with long,
//! uneven work wants. A gRPC call of lesson 05 is short: reading it, answering it and
//! writing the answer take microseconds, and handing its tasks between threads costs as
//! much again. Measured on one core under h2load (appendix B), lesson 05's tonic server
//! spent about 37 µs of CPU a call on the multi-threaded runtime and about 18 µs on a
//! single-threaded one, with the same code.
//!
//! This module keeps each connection on one thread and still uses every core: one
//! `current_thread` runtime per core, each with its own listening socket on the same port
//! (`SO_REUSEPORT`). The kernel hands each new connection to one of the sockets, and the
//! connection lives on that thread from start to end. What it gives up: a connection never
//! moves, so one busy client can load one core while another idles. (Another program of the
//! same user may bind the port with `SO_REUSEPORT` too and receive a share of the
//! connections.)

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::thread;

use anyhow::Context as _;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, watch};

/// How many runtimes to start: one per core this process may run on (`taskset` and cgroup
/// limits count, so a server pinned to one core gets one).
pub fn cores() -> usize {
    thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// The address `addr` (`127.0.0.1:7005`, `localhost:7005`) names, to bind the sockets on:
/// the first the system resolves it to.
pub async fn resolve(addr: &str) -> anyhow::Result<SocketAddr> {
    tokio::net::lookup_host(addr)
        .await?
        .next()
        .with_context(|| format!("{addr} names no address"))
}

// ANCHOR: bind
/// Listens with `count` sockets on `addr`, all with `SO_REUSEPORT`. With port 0 the first
/// socket picks a free port and the others take the same one. Connections are accepted into
/// the kernel's queue from the moment this returns; each socket is handed to its own
/// runtime by [`serve`].
pub fn bind(addr: SocketAddr, count: usize) -> anyhow::Result<Vec<std::net::TcpListener>> {
    let mut sockets = Vec::with_capacity(count);
    let mut addr = addr;
    for _ in 0..count.max(1) {
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

/// Completes when the server is asked to stop: every runtime gets one.
#[derive(Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// Waits until the stop is asked for.
    pub async fn requested(mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }
}

// ANCHOR: serve
/// Runs `serve_one(listener, stopping)` for each of `sockets` (from [`bind`]), each on a
/// single-threaded runtime of its own thread, until `shutdown` completes; then tells every
/// one of them to stop, and returns when all have stopped. If one ends early (an error),
/// the others are stopped too, and its error is returned.
pub async fn serve<S, F>(
    sockets: Vec<std::net::TcpListener>,
    shutdown: impl Future<Output = ()>,
    serve_one: S,
) -> anyhow::Result<()>
where
    S: Fn(TcpListener, Stopping) -> F + Clone + Send + 'static,
    F: Future<Output = anyhow::Result<()>>,
{
    let (stop, stopping) = watch::channel(false);
    let (ended_tx, mut ended) = mpsc::unbounded_channel();
    let count = sockets.len();
    for (n, socket) in sockets.into_iter().enumerate() {
        let (serve_one, stopping, ended_tx) = (
            serve_one.clone(),
            Stopping(stopping.clone()),
            ended_tx.clone(),
        );
        thread::Builder::new()
            .name(format!("runtime-{n}"))
            .spawn(move || {
                let served = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(anyhow::Error::from)
                    .and_then(|runtime| {
                        runtime.block_on(async {
                            serve_one(TcpListener::from_std(socket)?, stopping).await
                        })
                    });
                let _ = ended_tx.send(served);
            })?;
    }
    drop(ended_tx);

    // Stop when asked, or as soon as one runtime ends (then the others are stopped too).
    let mut outcome = Ok(());
    let mut running = count;
    tokio::select! {
        () = shutdown => {}
        first = ended.recv() => {
            running -= 1;
            outcome = first.unwrap_or_else(|| Err(anyhow::anyhow!("a runtime panicked")));
        }
    }
    let _ = stop.send(true);
    while running > 0 {
        running -= 1;
        // `None`: a thread ended without a word, which only a panic does.
        let result = ended.recv().await;
        outcome = outcome.and(result.unwrap_or_else(|| Err(anyhow::anyhow!("a runtime panicked"))));
    }
    outcome
}
// ANCHOR_END: serve

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Each runtime answers a connection with its thread's name, then closes it.
    async fn name_the_thread(listener: TcpListener, stopping: Stopping) -> anyhow::Result<()> {
        let stopped = stopping.requested();
        tokio::pin!(stopped);
        loop {
            tokio::select! {
                () = &mut stopped => return Ok(()),
                accepted = listener.accept() => {
                    let (mut socket, _) = accepted?;
                    let name = thread::current().name().unwrap_or("?").to_owned();
                    socket.write_all(name.as_bytes()).await?;
                }
            }
        }
    }

    async fn ask(addr: SocketAddr) -> String {
        let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut name = String::new();
        socket.read_to_string(&mut name).await.unwrap();
        name
    }

    #[tokio::test]
    async fn every_socket_is_served_on_its_own_thread_until_the_stop() {
        let sockets = bind("127.0.0.1:0".parse().unwrap(), 2).unwrap();
        let addr = sockets[0].local_addr().unwrap();
        assert_eq!(sockets[1].local_addr().unwrap(), addr, "one port for all");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(
            sockets,
            async {
                let _ = stopped.await;
            },
            name_the_thread,
        ));
        // The kernel spreads connections by a hash of their addresses: many connections
        // reach both runtimes.
        let mut names = std::collections::BTreeSet::new();
        for _ in 0..64 {
            names.insert(ask(addr).await);
        }
        let expected = ["runtime-0", "runtime-1"].map(String::from);
        assert_eq!(
            names,
            expected.into(),
            "both runtimes answer (64 connections)"
        );
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn one_runtime_failing_stops_the_others_and_says_why() {
        let sockets = bind("127.0.0.1:0".parse().unwrap(), 2).unwrap();
        let failed = serve(
            sockets,
            std::future::pending(),
            |listener, stopping| async move {
                if thread::current().name() == Some("runtime-1") {
                    anyhow::bail!("runtime-1 gave up");
                }
                name_the_thread(listener, stopping).await
            },
        )
        .await;
        assert_eq!(failed.unwrap_err().to_string(), "runtime-1 gave up");
    }
}
