//! Exercise `tcp.limit`: a maximum line length.
//!
//! A line server buffers bytes until it sees `\n`. A client that never sends one — by
//! mistake or on purpose — would make it buffer forever, until the machine runs out of
//! memory. So a server caps what it accepts, tells the client why, and closes that one
//! connection; every other client goes on as if nothing happened.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Serves every connection in its own task, echoing each line (with its `\n`) back.
///
/// A line longer than `max_line` bytes (not counting its `\n`) is answered with one line
/// starting with `error:` — for example `error: line longer than 16 bytes` — and then that
/// connection is closed. The server never holds more than about `max_line` bytes of a line,
/// so it answers as soon as byte `max_line + 1` arrives, without waiting for a `\n`.
pub async fn serve_limited(listener: TcpListener, max_line: usize) -> io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = echo_limited(stream, max_line).await;
        });
    }
}

/// Echoes the lines of one connection, enforcing `max_line`.
async fn echo_limited(stream: TcpStream, max_line: usize) -> io::Result<()> {
    let mut stream = BufReader::new(stream);
    // TODO: echo each line (its `\n` included) until the client closes its side. A line
    //       longer than `max_line` gets the `error:` line of `serve_limited`'s doc comment,
    //       and this connection ends — decided without ever holding much more than
    //       `max_line` bytes of it, even when no `\n` ever comes.
    todo!("echo lines, answering an error line and closing when one is too long")
}
