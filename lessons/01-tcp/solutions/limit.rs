//! Exercise `tcp.limit`: a line too long costs that line, not the connection.
//!
//! A line server buffers bytes until it sees `\n`. A client that never sends one — by
//! mistake or on purpose — would make it buffer forever, until the machine runs out of
//! memory. The worked example answers a line over its limit with an error line and closes
//! the connection. This server is kinder: it refuses the line, skips it, and goes on serving
//! the lines after it on the same connection. What it skips may be megabytes long, or never
//! end, and none of it may pile up in memory or come back as an echo.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Serves every connection in its own task, echoing each line (with its `\n`) back.
///
/// A line longer than `max_line` bytes (not counting its `\n`) is answered with one line
/// starting with `error:` — for example `error: line longer than 16 bytes` — as soon as its
/// byte `max_line + 1` arrives, without waiting for its `\n`. The rest of that line, up to
/// and including its `\n`, is thrown away unechoed, and the lines after it are echoed as
/// usual. The server never holds more than about `max_line` bytes of a line. A last line
/// without `\n` is echoed as it is when the client closes its side.
pub async fn serve_limited(listener: TcpListener, max_line: usize) -> io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = echo_limited(stream, max_line).await;
        });
    }
}

/// Echoes the lines of one connection, skipping those longer than `max_line`.
async fn echo_limited(stream: TcpStream, max_line: usize) -> io::Result<()> {
    let mut stream = BufReader::new(stream);
    // The line so far: at most `max_line` bytes and one more, which decides it (its `\n`,
    // or the byte too many).
    let mut line = Vec::new();
    // Inside a line already refused: its bytes are thrown away until its `\n`.
    let mut skipping = false;
    loop {
        // Look at what has arrived without taking it yet: only this line's bytes are ours.
        let arrived = stream.fill_buf().await?;
        if arrived.is_empty() {
            // The client closed its side. A last line without `\n` is still a line.
            if !skipping && !line.is_empty() {
                stream.get_mut().write_all(&line).await?;
            }
            return Ok(());
        }
        let newline = arrived.iter().position(|&byte| byte == b'\n');
        let this_line = newline.map_or(arrived.len(), |at| at + 1);

        if skipping {
            stream.consume(this_line);
            // The refused line's `\n` ends the skipping; without one, more of it is coming.
            skipping = newline.is_none();
            continue;
        }

        // Take no more than what can still decide the line.
        let taken = this_line.min(max_line + 1 - line.len());
        line.extend_from_slice(&arrived[..taken]);
        stream.consume(taken);

        if line.ends_with(b"\n") {
            stream.get_mut().write_all(&line).await?;
            line.clear();
        } else if line.len() > max_line {
            let answer = format!("error: line longer than {max_line} bytes\n");
            stream.get_mut().write_all(answer.as_bytes()).await?;
            line.clear();
            skipping = true;
        }
    }
}
