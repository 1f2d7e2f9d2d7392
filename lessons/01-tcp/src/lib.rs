//! Lesson 01: TCP sockets.
//!
//! Everything later in the course — RPC, JSON-RPC, gRPC — is bytes on a TCP connection.
//! This lesson is that layer with nothing on top: a server that listens, accepts and gives
//! each connection its own task; a client that dials and talks; and the two things every
//! real server needs from day one — a limit on what a client may send, and a clean stop.
//!
//! The worked example is [`server`] (a newline-delimited echo server on `127.0.0.1:7001`),
//! [`accept`] (the accept loop with graceful shutdown, reused by later lessons) and
//! [`client`]. The exercises in [`exercises`] rebuild the same ideas step by step.

pub mod accept;
pub mod client;
pub mod server;

/// Where the echo server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7001";

/// Sends log lines to stderr at `info`, or at what `RUST_LOG` asks for (`RUST_LOG=debug`).
///
/// Every lesson's binary starts with this, so all of them log the same way.
pub fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Resolves when the process gets Ctrl-C (SIGINT): the signal servers use to shut down.
///
/// Every lesson's servers stop on this.
pub async fn ctrl_c() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        // Without a signal handler we could never stop cleanly; say so, and stop now.
        tracing::error!(%error, "cannot listen for Ctrl-C");
    }
    tracing::info!("Ctrl-C received, shutting down");
}

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l01_tcp::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/echo.rs")]
    pub mod echo;
    #[cfg_attr(feature = "solution", path = "../../solutions/limit.rs")]
    pub mod limit;
    #[cfg_attr(feature = "solution", path = "../../solutions/lines.rs")]
    pub mod lines;
    #[cfg_attr(feature = "solution", path = "../../solutions/many.rs")]
    pub mod many;
    #[cfg_attr(feature = "solution", path = "../../solutions/shutdown.rs")]
    pub mod shutdown;
}
