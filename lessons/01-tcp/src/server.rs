//! The echo server: newline-delimited lines in, the same lines out.
//!
//! The protocol is the simplest one with a frame: a line ends at `\n`. TCP delivers a byte
//! stream, not messages, so one `read` may return half a line or ten lines; a buffered reader
//! collects bytes until the `\n` arrives. Because a client could send a "line" that never
//! ends, the server caps a line's length and answers an error line instead of buffering
//! without bound. Bytes are echoed as they came, so any encoding passes through unchanged.

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tracing::warn;

use shared::accept;

/// The longest line the server accepts, not counting the `\n`.
pub const MAX_LINE: usize = 64 * 1024;

/// How long open connections may keep going after a shutdown was asked for.
pub const GRACE: Duration = Duration::from_secs(5);

// ANCHOR: server
/// An echo server and its limits.
#[derive(Debug, Clone, Copy)]
pub struct EchoServer {
    /// The longest line accepted; a longer one gets an error line and the connection closes.
    pub max_line: usize,
    /// How long open connections may finish after `shutdown` resolves.
    pub grace: Duration,
}

impl Default for EchoServer {
    fn default() -> Self {
        EchoServer {
            max_line: MAX_LINE,
            grace: GRACE,
        }
    }
}

impl EchoServer {
    /// Serves `listener` until `shutdown` resolves, then stops as [`accept::serve`] does.
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        let max_line = self.max_line;
        accept::serve(
            listener,
            shutdown,
            self.grace,
            move |stream, peer| async move {
                if let Err(error) = echo_lines(stream, max_line).await {
                    warn!(%peer, %error, "connection ended with an error");
                }
            },
        )
        .await;
    }
}
// ANCHOR_END: server

// ANCHOR: echo_lines
/// Echoes every line of one connection until the client closes its side.
///
/// A line longer than `max_line` bytes is answered with `error: line longer than N bytes`
/// and ends this connection (and only this one) with an `InvalidData` error.
pub async fn echo_lines(stream: TcpStream, max_line: usize) -> io::Result<()> {
    let (read_half, write_half) = stream.into_split();
    let mut reader = BufReader::new(read_half);
    let mut writer = BufWriter::new(write_half);
    let mut line = Vec::new();
    loop {
        line.clear();
        // Read up to and including `\n`, but never more than one byte past the limit.
        let limit = max_line as u64 + 1;
        let n = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut line)
            .await?;
        if n == 0 {
            break; // the client closed between two lines: a clean end
        }
        if n > max_line && !line.ends_with(b"\n") {
            let answer = format!("error: line longer than {max_line} bytes\n");
            writer.write_all(answer.as_bytes()).await?;
            writer.flush().await?;
            let error = format!("line longer than {max_line} bytes");
            return Err(io::Error::new(io::ErrorKind::InvalidData, error));
        }
        writer.write_all(&line).await?;
        // Flush once nothing more is waiting to be read: ten pipelined lines, one write.
        if reader.buffer().is_empty() {
            writer.flush().await?;
        }
    }
    writer.flush().await
}
// ANCHOR_END: echo_lines
