//! The RPC server: frames in, calls run concurrently, frames out.
//!
//! One connection carries many calls, and a client may send the next request before the
//! previous reply came back (pipelining). So the server does not answer in order: every
//! request runs on a task of its own, and a slow call never holds up a fast one behind it.
//! All replies of a connection go through one writer, which owns the socket's sending half
//! — no lock around the socket — and flushes only when no more replies are waiting.
//!
//! ```text
//!            ┌──────────── one connection ─────────────┐
//! socket ──▶ │ reader ──spawn──▶ call task ──┐         │
//!            │        ──spawn──▶ call task ──┼─▶ queue ─▶ writer ──▶ socket
//!            │        ──spawn──▶ call task ──┘         │
//!            └─────────────────────────────────────────┘
//! ```

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use serde::Deserialize;
use tokio::io::{AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpListener;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc::{self, OwnedPermit};
use tracing::warn;

use crate::frame::{self, FrameError};
use crate::message::{Reply, Request};
use crate::registry::Registry;

/// Why a connection was closed by the server.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("not a request, and no id to answer to: {0}")]
    NotARequest(serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// How long open connections may finish their calls after a shutdown was asked for.
pub const GRACE: Duration = Duration::from_secs(5);

/// How many replies of one connection may be running or waiting to be written at once.
/// When they are all taken, the server stops reading that connection until one is sent.
pub const MAX_IN_FLIGHT: usize = 1024;

// ANCHOR: serve
/// Serves `registry` on `listener` until `shutdown` resolves (lesson 01's accept loop).
pub async fn serve(listener: TcpListener, registry: Registry, shutdown: impl Future<Output = ()>) {
    let registry = Arc::new(registry);
    shared::accept::serve(listener, shutdown, GRACE, move |stream, peer| {
        let registry = Arc::clone(&registry);
        async move {
            let (reader, writer) = stream.into_split();
            if let Err(error) = serve_connection(BufReader::new(reader), writer, registry).await {
                warn!(%peer, %error, "connection closed");
            }
        }
    })
    .await;
}
// ANCHOR_END: serve

// ANCHOR: serve_connection
/// Answers the requests of one connection until the client stops sending, then finishes
/// the calls still running, sends their replies, and closes the connection.
///
/// A frame that is not a request but carries an `id` gets an error reply. A frame without
/// a usable `id`, a frame over the size limit, or a connection cut mid-frame leave nobody
/// to reply to: the connection is closed and the error is returned (to be logged).
pub async fn serve_connection(
    mut reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    registry: Arc<Registry>,
) -> Result<(), ConnectionError> {
    let (replies, queue) = mpsc::channel::<Vec<u8>>(MAX_IN_FLIGHT);
    let reading = async move {
        while let Some(payload) = frame::read_frame(&mut reader).await? {
            // Take the reply's place in the queue before starting the call. This bounds the
            // calls in flight, and if the writer is gone (the client left), stop reading.
            let Ok(slot) = replies.clone().reserve_owned().await else {
                break;
            };
            match parse(&payload)? {
                Incoming::Call(request) => start_call(&registry, request, slot),
                Incoming::NotARequest { id, message } => {
                    slot.send(reply_frame(Reply::error(id, message)));
                }
            }
        }
        Ok::<(), ConnectionError>(())
    }; // `replies` is dropped here: the writer ends once the last call has sent its reply
    let (read, written) = tokio::join!(reading, write_replies(queue, writer));
    read?;
    Ok(written?)
}
// ANCHOR_END: serve_connection

// ANCHOR: start_call
/// Starts one call on a task of its own; its reply goes into the place reserved for it.
fn start_call(registry: &Registry, request: Request, slot: OwnedPermit<Vec<u8>>) {
    let Request { id, method, params } = request;
    // A service whose `call` panics is a bug in the service: answer an error, go on.
    let started = catch_unwind(AssertUnwindSafe(|| registry.start(&method, params)));
    match started.unwrap_or_else(|_| Err(format!("rpc: {method} panicked"))) {
        Err(message) => {
            slot.send(reply_frame(Reply::error(id, message)));
        }
        Ok(call) => {
            tokio::spawn(async move {
                // The same for a method that panics while it runs.
                let outcome = AssertUnwindSafe(call).catch_unwind().await;
                let outcome = outcome.unwrap_or_else(|_| Err(format!("rpc: {method} panicked")));
                slot.send(reply_frame(Reply::from_outcome(id, outcome)));
            });
        }
    }
}
// ANCHOR_END: start_call

// ANCHOR: write_replies
/// The connection's one writer. It writes every reply frame into a buffer and flushes
/// when the queue is empty: under load, one system call carries many replies.
async fn write_replies(
    mut queue: mpsc::Receiver<Vec<u8>>,
    writer: OwnedWriteHalf,
) -> std::io::Result<()> {
    let mut writer = BufWriter::new(writer);
    while let Some(frame) = queue.recv().await {
        writer.write_all(&frame).await?;
        while let Ok(frame) = queue.try_recv() {
            writer.write_all(&frame).await?;
        }
        writer.flush().await?;
    }
    writer.shutdown().await // all replies are out: close our sending side
}
// ANCHOR_END: write_replies

/// What a well-formed frame turned out to be.
enum Incoming {
    Call(Request),
    /// JSON with an `id`, but not a request (no `method`, say): answerable with an error.
    NotARequest {
        id: u64,
        message: String,
    },
}

/// Parses a payload; an error means there is no `id` to answer to.
fn parse(payload: &[u8]) -> Result<Incoming, ConnectionError> {
    #[derive(Deserialize)]
    struct JustTheId {
        id: u64,
    }
    match serde_json::from_slice::<Request>(payload) {
        Ok(request) => Ok(Incoming::Call(request)),
        Err(error) => match serde_json::from_slice::<JustTheId>(payload) {
            Ok(JustTheId { id }) => Ok(Incoming::NotARequest {
                id,
                message: format!("rpc: invalid request: {error}"),
            }),
            Err(_) => Err(ConnectionError::NotARequest(error)),
        },
    }
}

/// A reply as a frame. A result too large for one frame becomes an error reply.
fn reply_frame(reply: Reply) -> Vec<u8> {
    let id = reply.id;
    frame::encode(&reply).unwrap_or_else(|error| {
        // A short error message always fits, so this cannot fail a second time.
        frame::encode(&Reply::error(
            id,
            format!("rpc: cannot send the reply: {error}"),
        ))
        .unwrap_or_default()
    })
}
