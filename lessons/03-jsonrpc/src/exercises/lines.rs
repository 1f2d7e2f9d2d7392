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
    // TODO: serve the connection line by line as the doc comment says. Whatever a line
    // holds, even bytes that are not text, the next line must still be answered.
    todo!("serve one connection, a line at a time")
}
