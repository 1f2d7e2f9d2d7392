//! The same Greeter server, shaped for speed: `l05-grpc server --fast`.
//!
//! The worked example ([`crate::server`]) runs on tokio's default runtime: one pool of
//! worker threads that steal tasks from each other. That is the right default, and it costs
//! something on every call: a woken task may be handed across threads, and the pool's queues
//! are shared, so they need atomic operations and locks.
//!
//! This server keeps everything the same (the Greeter, health, reflection, the limits of
//! [`crate::server::builder`], the graceful shutdown) and changes only where it runs: one
//! single-threaded (`current_thread`) runtime per core, each with its own listening socket on
//! the same port. `SO_REUSEPORT` lets several sockets listen on one port; the kernel hands
//! each new connection to one of them, and that connection then lives on one thread from
//! start to end. Nothing is shared between threads on the path of a call, and a runtime with
//! several ready connections serves them all before it goes back to the kernel.
//!
//! What it gives up: a connection never moves, so one busy client can load one core while
//! another idles; health is reported by each runtime for its own connections. On a shared
//! machine, note that another program of the same user may bind the same port with
//! `SO_REUSEPORT` too and receive a share of the connections.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::thread;

use anyhow::Context as _;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, watch};

use crate::greeter::GreeterService;

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
/// [`crate::server::SHUTDOWN_GRACE`]), and this returns when all of them have stopped.
pub async fn serve(
    sockets: Vec<std::net::TcpListener>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    // One signal for all runtimes: a watch channel, which every runtime can await. Each
    // runtime reports how it ended on `ended`.
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ended_tx, mut ended) = mpsc::unbounded_channel();
    let count = sockets.len();
    for (n, socket) in sockets.into_iter().enumerate() {
        let mut stop = stop_rx.clone();
        let ended_tx = ended_tx.clone();
        thread::Builder::new()
            .name(format!("grpc-runtime-{n}"))
            .spawn(move || {
                let served = run_one(socket, async move {
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
        () = shutdown => {}
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

/// One runtime: a single thread that accepts on its own socket and serves its connections.
fn run_one(
    socket: std::net::TcpListener,
    stop: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = TcpListener::from_std(socket)?;
        crate::server::serve_greeter(listener, GreeterService, stop).await
    })
}
// ANCHOR_END: serve
