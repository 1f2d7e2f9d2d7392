//! Where the book server listens: on a socket it is handed, or on one it binds.
//!
//! The course session binds the book's port before anything is built, so that the link on
//! its map answers from the first second (a page saying the book is on its way). When the
//! book server starts, the session hands it that very socket, as systemd's socket activation
//! does: the socket is inherited, and [`BOOK_LISTENER_VAR`] names its file descriptor. No
//! moment passes with nothing listening on the port: connections wait in the socket's queue
//! until one of the two programs accepts them, and no other program can take the port in
//! between.
//!
//! Without the variable (`cargo run -p workbook-book`, a test), the server binds the port
//! itself.
//!
//! Either way it listens before it makes the book's pages (seconds), and answers meanwhile as
//! the session does ([`answering_while`]: a chapter's address is the chapter, read from its
//! Markdown), so that the book's address never waits for the pages.
//!
//! And how it stops listening: on SIGINT (Ctrl-C) or SIGTERM alike ([`stop_signal`]).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::watch;
use workbook::book::waiting::{self, Stage};
use workbook_core::language::messages::{Cmd, io_error, say};
pub use workbook_core::ports::BOOK_LISTENER_VAR;

/// The socket this program was handed, else 127.0.0.1:`port` bound here.
pub async fn take_or_bind(port: u16) -> Result<TcpListener> {
    match handed() {
        Some(listener) => Ok(listener),
        None => bind(port).await,
    }
}

/// Runs `make` (the book's pages made, on a thread of its own) while `listener` answers for
/// the course at `root` as the session's page does; returns what `make` returned, and the
/// listener once nothing else answers on it.
pub async fn answering_while<T: Send + 'static>(
    listener: TcpListener,
    root: &Path,
    make: impl FnOnce() -> T + Send + 'static,
) -> Result<(TcpListener, T)> {
    let listener = Arc::new(listener);
    let (making, seen) = watch::channel(Stage::Rendering);
    let answering = tokio::spawn(waiting::serve(listener.clone(), seen, root.to_path_buf()));
    let made = tokio::task::spawn_blocking(make).await;
    // The page stops accepting, and answers what it took.
    drop(making);
    let _ = answering.await;
    let made = made.context("making the book's pages")?;
    let listener = Arc::into_inner(listener).context("the book's socket is still answered")?;
    Ok((listener, made))
}

/// Binds 127.0.0.1:`port`; the error names the port, for "port busy" messages.
pub async fn bind(port: u16) -> Result<TcpListener> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpListener::bind(addr).await.map_err(|err| {
        let busy = say(Cmd::PortBusy, &[("port", &port)]);
        anyhow::anyhow!("{busy}: {}", io_error(&err))
    })
}

/// The listening socket named by [`BOOK_LISTENER_VAR`], if this program was handed one and
/// it is a listening TCP socket. Read once: the variable is not passed on to the programs
/// this one starts (cargo, for building ahead).
#[cfg(unix)]
fn handed() -> Option<TcpListener> {
    use std::os::fd::{FromRawFd, RawFd};
    let fd: RawFd = std::env::var(BOOK_LISTENER_VAR).ok()?.trim().parse().ok()?;
    // SAFETY: removing a variable races with threads reading the environment; the server
    // takes its listener before it starts any thread of its own that does.
    unsafe { std::env::remove_var(BOOK_LISTENER_VAR) };
    if fd < 3 || !is_listening_socket(fd) {
        return None;
    }
    // Inherited without close-on-exec, so that it could be: set it again, or every program
    // this server starts (cargo, building ahead) would hold the book's port too.
    // SAFETY: fcntl on an open descriptor with a flag argument touches no memory.
    unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    // SAFETY: the descriptor is open, a listening socket (checked above), and owned by
    // nothing else in this program: the variable that named it is gone.
    let listener = unsafe { std::net::TcpListener::from_raw_fd(fd) };
    listener.set_nonblocking(true).ok()?;
    TcpListener::from_std(listener).ok()
}

#[cfg(not(unix))]
fn handed() -> Option<TcpListener> {
    None
}

/// Whether `fd` is a socket that listens: a descriptor left open by accident, or a number
/// that names a file, is not taken for one.
#[cfg(unix)]
fn is_listening_socket(fd: std::os::fd::RawFd) -> bool {
    let mut listening: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `len` bytes into `listening`, which has them; on a
    // descriptor that is not a socket (or not open) it fails and writes nothing.
    let answered = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ACCEPTCONN,
            (&mut listening as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    answered == 0 && listening != 0
}

/// Listens for SIGINT (Ctrl-C) and SIGTERM from now on, and resolves on the first one: the
/// same stop for both, as the lessons' servers have (`shared::signal`, which logs with
/// `tracing`; this program prints its own lines and leaves that crate out of its build).
/// Installed when called, so that a signal before the future is awaited is not lost.
pub fn stop_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::interrupt()).and_then(|i| Ok((i, signal(SignalKind::terminate())?)))
    };
    async move {
        #[cfg(unix)]
        match signals {
            Ok((mut interrupt, mut terminate)) => tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            },
            // No handler: the signals keep their default action, which ends the program.
            Err(_) => std::future::pending().await,
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
