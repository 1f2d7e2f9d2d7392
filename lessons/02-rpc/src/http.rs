//! The same RPC, reached through HTTP: Go's `rpc.HandleHTTP` and `rpc.DialHTTP`.
//!
//! Some networks let only HTTP through, and it is handy for one port to serve web pages
//! and RPC. Go's net/rpc does it with one HTTP request: the client sends
//! `CONNECT /_rpc_ HTTP/1.0`, the server answers `HTTP/1.0 200 Connected to RPC`, and from
//! then on HTTP is over — the same frames as before flow on the same connection. The
//! handshake is a few lines of text, so it is written out by hand here.

use std::fmt::Display;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tracing::warn;

use crate::client::Client;
use crate::registry::Registry;
use crate::server::{GRACE, serve_connection};

/// Where the HTTP variant listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7102";

/// The path a client CONNECTs to.
pub const RPC_PATH: &str = "/_rpc_";

/// The status line that says "from here on, speak RPC".
pub const CONNECTED: &str = "HTTP/1.0 200 Connected to RPC";

/// The most bytes of HTTP head either side reads before giving up.
const MAX_HEAD: u64 = 8 * 1024;

/// How long either side waits for the other's HTTP head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

// ANCHOR: serve
/// Serves `registry` to clients that CONNECT to [`RPC_PATH`], until `shutdown` resolves.
pub async fn serve(listener: TcpListener, registry: Registry, shutdown: impl Future<Output = ()>) {
    let registry = Arc::new(registry);
    shared::accept::serve(listener, shutdown, GRACE, move |stream, peer| {
        let registry = Arc::clone(&registry);
        async move {
            let (reader, mut writer) = stream.into_split();
            let mut reader = BufReader::new(reader);
            if let Err(error) = accept_connect(&mut reader, &mut writer).await {
                warn!(%peer, %error, "refused an HTTP request");
                return;
            }
            if let Err(error) = serve_connection(reader, writer, registry).await {
                warn!(%peer, %error, "connection closed");
            }
        }
    })
    .await;
}

/// Reads the client's HTTP request and answers it: 200 for `CONNECT /_rpc_`, else an
/// HTTP error status (and an `Err`, so that the connection is closed).
async fn accept_connect(
    reader: &mut BufReader<OwnedReadHalf>,
    writer: &mut OwnedWriteHalf,
) -> io::Result<()> {
    let head = match read_head(reader).await {
        Ok(head) => head,
        Err(error) => return refuse(writer, "400 Bad Request", error).await,
    };
    let request_line = head.first().map(String::as_str).unwrap_or_default();
    let mut words = request_line.split_whitespace();
    match (words.next(), words.next()) {
        (Some("CONNECT"), Some(RPC_PATH)) => {
            let answer = format!("{CONNECTED}\r\n\r\n");
            writer.write_all(answer.as_bytes()).await
        }
        (Some("CONNECT"), _) => refuse(writer, "404 Not Found", request_line).await,
        _ => refuse(writer, "405 Method Not Allowed", request_line).await,
    }
}

/// Answers with an HTTP error `status`, closes our side, and returns why (to be logged).
async fn refuse(writer: &mut OwnedWriteHalf, status: &str, why: impl Display) -> io::Result<()> {
    let answer = format!("HTTP/1.0 {status}\r\nContent-Type: text/plain\r\n\r\n{status}\n");
    // The client may be gone already; the connection closes either way.
    let _ = writer.write_all(answer.as_bytes()).await;
    let _ = writer.shutdown().await;
    let error = format!("{status}: {why}");
    Err(io::Error::new(io::ErrorKind::InvalidData, error))
}
// ANCHOR_END: serve

// ANCHOR: dial
/// Connects to an RPC server behind HTTP: CONNECT, check the answer, then talk RPC.
pub async fn dial(addr: impl ToSocketAddrs) -> io::Result<Client> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (reader, mut writer) = stream.into_split();
    writer
        .write_all(format!("CONNECT {RPC_PATH} HTTP/1.0\r\n\r\n").as_bytes())
        .await?;
    let mut reader = BufReader::new(reader);
    let head = read_head(&mut reader).await?;
    match head.first() {
        Some(status) if status == CONNECTED => Ok(Client::new(reader, writer)),
        other => Err(io::Error::other(format!(
            "unexpected HTTP response {other:?}"
        ))),
    }
}
// ANCHOR_END: dial

/// Reads an HTTP head — lines up to the empty line — without the line endings. Reads no
/// further, so the bytes after the head stay in `reader` for the RPC frames. Gives up on a
/// head that is not text, too long, or not complete within [`HEAD_TIMEOUT`].
async fn read_head(reader: &mut BufReader<OwnedReadHalf>) -> io::Result<Vec<String>> {
    let reading = async {
        // An HTTP head starts with a letter. Anything else (an RPC frame sent without the
        // handshake, say) will never end in an empty line: refuse it now, not later.
        let start = reader.fill_buf().await?;
        if start
            .first()
            .is_some_and(|byte| !byte.is_ascii_alphabetic())
        {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "not HTTP"));
        }
        let mut head = Vec::new();
        let mut budget = reader.take(MAX_HEAD);
        loop {
            let mut line = String::new();
            if budget.read_line(&mut line).await? == 0 {
                let error = "the connection closed, or the head grew too long, before its end";
                return Err(io::Error::new(io::ErrorKind::InvalidData, error));
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                return Ok(head);
            }
            head.push(line.to_owned());
        }
    };
    match tokio::time::timeout(HEAD_TIMEOUT, reading).await {
        Ok(head) => head,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "no complete HTTP head in time",
        )),
    }
}
