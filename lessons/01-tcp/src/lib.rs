//! Lesson 01: TCP sockets.
//!
//! Everything later in the course — RPC, JSON-RPC, gRPC — is bytes on a TCP connection.
//! This lesson is that layer with nothing on top: a server that listens, accepts and gives
//! each connection its own task; a client that dials and talks; and the two things every
//! real server needs from day one — a limit on what a client may send, and a clean stop.
//!
//! The worked example is [`server`] (a newline-delimited echo server on `127.0.0.1:7001`)
//! and [`client`]. The server runs on the accept loop every later server shares
//! (`shared::accept`, in the `shared` crate beside the lessons, so that later lessons need
//! not compile this lesson's exercises). The exercises in [`exercises`] rebuild the same
//! ideas step by step.

pub mod client;
pub mod server;

/// Where the echo server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7001";

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
