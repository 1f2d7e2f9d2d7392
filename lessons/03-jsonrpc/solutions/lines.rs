//! Exercise `jsonrpc.lines`: the newline TCP loop, one request at a time.
//!
//! `tcp.rs` serves the requests of a connection concurrently; this is the loop at its heart,
//! kept simple: read a line, answer it, read the next. What matters is that bad input ends
//! one request, never the conversation.

use std::sync::Arc;

use jsonrpc_core::IoHandler;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Serves one connection until the client closes it, then returns `Ok(())`. For each line,
/// `io.handle_request(line).await` gives the reply to write back, followed by `\n`:
/// - a line that is not JSON (not even UTF-8) gets jsonrpc-core's -32700 "Parse error" reply,
///   and the loop goes on to the next line;
/// - a notification (a request without an "id") gets no reply: write nothing;
/// - a blank line is no request: skip it.
pub async fn serve_lines(stream: TcpStream, io: Arc<IoHandler>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(()); // the client closed its side
        }
        // Bytes that are not UTF-8 become U+FFFD, which is not JSON either: jsonrpc-core
        // answers them with a parse error like any other garbage.
        let text = String::from_utf8_lossy(&line);
        let request = text.trim();
        if request.is_empty() {
            continue;
        }
        // `None` is the answer to a notification: nothing goes back.
        if let Some(reply) = io.handle_request(request).await {
            writer.write_all(reply.as_bytes()).await?;
            writer.write_all(b"\n").await?;
        }
    }
}
