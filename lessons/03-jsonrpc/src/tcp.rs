//! JSON-RPC over TCP: one request per line in, one reply per line out.
//!
//! The framing is the newline, as in lesson 01: JSON text never needs a raw newline, so a
//! line is exactly one request. Each connection has two halves that never wait for each
//! other. The reader takes request lines and starts each call; the writer sends replies in the
//! order they finish. So a client may pipeline, sending many requests before reading any
//! reply, and match replies to requests by id, which is what Go's `rpc.Client` does.
//!
//! It is the shape of lesson 02's server. Two things changed: the frame ends at a newline
//! instead of after a length, and jsonrpc-core, not our own code, reads the messages.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use jsonrpc_core::{Error, ErrorCode, IoHandler};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::dispatch::{self, Reply};

/// The longest request line the server reads, newline not counted: 1 MiB. A client that
/// sends more gets an error and is disconnected, so one client cannot take all the memory.
pub const MAX_LINE: usize = 1024 * 1024;

/// How many finished replies may wait for the writer. When the client stops reading, the
/// queue fills and the reader stops reading too: the client is slowed, not the server.
const REPLY_QUEUE: usize = 1024;

/// How long connections may take to finish their calls after a shutdown was asked for.
pub const GRACE: Duration = Duration::from_secs(5);

/// How long to keep reading (and discarding) after refusing an over-long line; see [`linger`].
const LINGER: Duration = Duration::from_secs(1);

// ANCHOR: serve
/// Serves the methods of `io` on `listener` (lesson 01's accept loop: a task per
/// connection) until `shutdown` completes. Then every connection stops reading new requests,
/// finishes the one it was in the middle of reading, answers the calls it has started and
/// closes, all within [`GRACE`].
pub async fn serve(listener: TcpListener, io: Arc<IoHandler>, shutdown: impl Future<Output = ()>) {
    let stop = CancellationToken::new();
    let stopping = {
        let stop = stop.clone();
        async move {
            shutdown.await;
            stop.cancel();
        }
    };
    shared::accept::serve(listener, stopping, GRACE, move |stream, peer| {
        serve_connection(stream, peer, io.clone(), stop.clone())
    })
    .await;
}
// ANCHOR_END: serve

// ANCHOR: connection
/// Serves one connection: a reader (this task) and a writer (a task of its own) joined by a
/// queue of replies.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    io: Arc<IoHandler>,
    stop: CancellationToken,
) {
    // Replies are already gathered into few writes by the BufWriter; Nagle's algorithm
    // would only add delay on top.
    let _ = stream.set_nodelay(true);
    let (reader, writer) = stream.into_split();
    let (replies, outbox) = mpsc::channel(REPLY_QUEUE);
    let writer = tokio::spawn(write_replies(writer, outbox));

    let mut reader = BufReader::new(reader);
    let end = read_requests(&mut reader, &io, replies, &stop).await;
    // The writer ends when every sender of replies is gone: the reader's, and those of
    // calls still running. So this waits for the last reply to be sent.
    match writer.await {
        Ok(Err(error)) => debug!(%peer, %error, "could not write a reply"),
        Err(panic) => warn!(%peer, %panic, "the writer failed"),
        Ok(Ok(())) => {}
    }
    if let End::TooLong = end {
        linger(&mut reader).await;
    }
    debug!(%peer, ?end, "connection ended");
}
// ANCHOR_END: connection

/// Why the reader stopped.
#[derive(Debug)]
enum End {
    /// The client closed its side, or the connection broke.
    Closed,
    /// The server is shutting down.
    Stopped,
    /// The client sent a line over [`MAX_LINE`].
    TooLong,
}

// ANCHOR: read_requests
/// Reads request lines until the client closes, and starts a call for each one.
async fn read_requests(
    socket: &mut BufReader<OwnedReadHalf>,
    io: &IoHandler,
    replies: mpsc::Sender<Reply>,
    stop: &CancellationToken,
) -> End {
    // One buffer, reused for every line of this connection.
    let mut line = Vec::new();
    loop {
        // A huge line leaves a huge buffer behind: give it back rather than keep it.
        if line.capacity() > 64 * 1024 {
            line = Vec::new();
        }
        line.clear();
        // At most MAX_LINE bytes and the newline: a line without end cannot fill memory.
        // `read_until` keeps what it has read in `line` when the stop interrupts it, so a
        // request the client has begun to send is never lost: it is finished below.
        // `biased` tries the read first: bytes that arrived before the stop are taken into
        // `line` before the stop is looked at, so "nothing begun" below is never a guess.
        let read = tokio::select! {
            biased;
            read = read_line(socket, &mut line) => read,
            () = stop.cancelled() => {
                if line.is_empty() && socket.buffer().is_empty() {
                    return End::Stopped; // between two requests: nothing was begun
                }
                // A request was begun before the stop: read the rest and answer it. The
                // accept loop's grace period bounds how long the client may take.
                read_line(socket, &mut line).await
            }
        };
        match read {
            Ok(0) if line.is_empty() => return End::Closed,
            Err(_) => return End::Closed,
            Ok(_) => {}
        }
        if line.len() > MAX_LINE && !line.ends_with(b"\n") {
            let message = format!("request line longer than {MAX_LINE} bytes");
            let error = Error {
                code: ErrorCode::InvalidRequest,
                message,
                data: None,
            };
            let _ = replies.send(Reply::error(error)).await;
            return End::TooLong;
        }
        let request = line.trim_ascii();
        if request.is_empty() {
            continue; // A blank line is no request; skipping it is kind to people typing.
        }

        let mut answer = dispatch::respond(io, request);
        // Most methods answer at once. Poll the answer here once: if it is ready, send it
        // without the cost of a task; if not, let a task of its own wait for it, so that the
        // next request need not wait.
        match (&mut answer).now_or_never() {
            Some(Some(reply)) => {
                if replies.send(reply).await.is_err() {
                    return End::Closed; // The writer is gone: the client stopped reading.
                }
            }
            Some(None) => {} // A notification: nothing to say.
            None => {
                let replies = replies.clone();
                tokio::spawn(async move {
                    if let Some(reply) = answer.await {
                        let _ = replies.send(reply).await;
                    }
                });
            }
        }
    }
}
// ANCHOR_END: read_requests

/// Reads the rest of one request line into `line`: up to and including the newline, and
/// never more than [`MAX_LINE`] bytes and the newline in all.
async fn read_line(socket: &mut BufReader<OwnedReadHalf>, line: &mut Vec<u8>) -> io::Result<usize> {
    let room = (MAX_LINE + 1).saturating_sub(line.len()) as u64;
    (&mut *socket).take(room).read_until(b'\n', line).await
}

// ANCHOR: write_replies
/// Writes replies as they come, one line each, until every sender is gone.
async fn write_replies(
    socket: OwnedWriteHalf,
    mut outbox: mpsc::Receiver<Reply>,
) -> io::Result<()> {
    let mut socket = BufWriter::new(socket);
    let mut json = Vec::with_capacity(256); // one reply, reused for every reply
    while let Some(reply) = outbox.recv().await {
        json.clear();
        serde_json::to_writer(&mut json, &reply)?;
        json.push(b'\n');
        socket.write_all(&json).await?;
        // Send when there is nothing more to add. Under load many replies leave in one
        // write; when idle, each reply leaves at once.
        if outbox.is_empty() {
            socket.flush().await?;
        }
    }
    socket.shutdown().await
}
// ANCHOR_END: write_replies

/// After refusing an over-long line, the rest of that line is still on its way to us. A
/// socket closed with unread data answers with a reset, and a reset can destroy the error
/// reply before the client has read it. So read and discard for a moment, then close.
async fn linger(socket: &mut BufReader<OwnedReadHalf>) {
    let mut nowhere = tokio::io::sink();
    let _ = tokio::time::timeout(LINGER, tokio::io::copy(socket, &mut nowhere)).await;
}
