//! `grpc-fast`: lesson 05's Greeter without tonic's server, the subject of the benchmarks.
//!
//! Lesson 05's worked example is tonic's server (`shared::grpc`): hyper and the `h2` crate
//! speak HTTP/2, a task runs each call, tower layers add the timeout and the limits, a router
//! finds the method. That is the shape to learn and to build services on, and the lesson
//! teaches it. This server asks what a call costs without it, and answers the same calls on
//! the same one single-threaded runtime per core (`shared::per_core`). The book's appendix
//! B measures it against the worked example and grpc-go; chapter 05 shows a few of its
//! listings. It is no learner's file, so it lives here, beside the load generator, and
//! lesson 05's folder holds only what the lesson teaches. What differs:
//!
//! - **How it speaks.** The connection reads HTTP/2 frames itself (`connection.rs`,
//!   `frames.rs`), with the course's own frame and HPACK code (`http2`), and calls
//!   the worked example's [`GreeterService`] inside the connection's task (`calls.rs`): one
//!   read takes in the calls that arrived, one write sends all their replies (`reply.rs`).
//!
//! It keeps the worked example's limits (128 streams a connection, 16 KiB of metadata,
//! 4 MiB messages, keepalive) and its graceful stop: health turns NOT_SERVING, every
//! connection gets a GOAWAY (two, in fact: see `connection.rs`), calls in flight finish
//! within [`SHUTDOWN_GRACE`]. And it refuses what breaks HTTP/2's rules as RFC 9113 says
//! (`states.rs`, `request.rs`).
//!
//! What it drops compared with tonic, and why it is not the lesson: it answers the Greeter's
//! three methods and health (`Check` and `Watch`) only — no server reflection (so `grpcurl`
//! needs the `.proto` file), no compression, no interceptors, no tower layers — and a unary
//! handler that waits would hold up its whole connection. Each method is wired in by hand:
//! fast, and closed. The lesson's server is one that any service and any gRPC feature plugs
//! into, which is what a learner goes on to build with.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use shared::greeter::GreeterService;
use shared::grpc::SHUTDOWN_GRACE;

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

/// Where the sockets come from: the worked example's own per-core runtimes.
pub use shared::per_core::{bind, cores};

/// Serves the worked example's Greeter on `sockets` (from [`shared::per_core::bind`]), each
/// on a single-threaded runtime of its own thread, until `shutdown` completes. Then every
/// runtime drains as the worked example does (health NOT_SERVING, calls in flight get
/// [`SHUTDOWN_GRACE`]), and this returns when all of them have stopped.
pub async fn serve(
    sockets: Vec<std::net::TcpListener>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    // The server's health, as a watch channel every connection of every runtime hears:
    // it turns NOT_SERVING as the stop begins. (The sender lives until every runtime has
    // stopped: a connection takes a closed channel for the end of the grace.)
    let (health_tx, health) = watch::channel(true);
    let shutdown = async {
        shutdown.await;
        tracing::info!("shutting down: health is NOT_SERVING, finishing calls in flight");
        let _ = health_tx.send(false);
    };
    shared::per_core::serve(sockets, shutdown, move |listener, stopping| {
        run_one(listener, health.clone(), stopping.requested())
    })
    .await
}

/// One runtime's server: it accepts on its own socket and serves its connections, each in
/// a task of its own (lesson 01's accept loop), until `stop`.
async fn run_one(
    listener: TcpListener,
    health: watch::Receiver<bool>,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let greeter = Arc::new(GreeterService);
    shared::accept::serve(listener, stop, SHUTDOWN_GRACE, |socket, _peer| {
        connection::serve(socket, greeter.clone(), health.clone())
    })
    .await;
    Ok(())
}
