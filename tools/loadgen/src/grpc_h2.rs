//! `loadgen grpc --client h2`: gRPC written straight onto HTTP/2 with the `h2` crate.
//!
//! A load generator has to cost less per call than the server it measures, or it measures
//! itself. tonic's generated client is made for services: every call goes through a codec,
//! tower layers, hyper's client dispatch and a boxed body. Here a call is only what goes on
//! the wire: a HEADERS frame from a request head built once, one DATA frame (the 5-byte gRPC
//! prefix, then the protobuf `HelloRequest`), and the reply read back. Every reply is still
//! checked in full: HTTP 200, its one message decoded as `HelloReply` and compared with
//! `"Hello <name>!"`, and `grpc-status: 0` in the trailers.
//!
//! ```text
//! client                                   server
//!   │ HEADERS  :method POST                  │
//!   │          :path /hello.Greeter/SayHello │
//!   │          content-type application/grpc │
//!   │ DATA     00 | 00 00 00 07 | 0a 05 w3-17 (END_STREAM)
//!   │ ─────────────────────────────────────▶ │
//!   │ HEADERS  :status 200                   │
//!   │ DATA     00 | len | 0a .. "Hello w3-17!"
//!   │ HEADERS  grpc-status 0 (END_STREAM)    │
//!   │ ◀───────────────────────────────────── │
//! ```

use std::fmt::Write as _;
use std::net::SocketAddr;

use bytes::{Bytes, BytesMut};
use h2::client::SendRequest;
use http::{HeaderMap, Method, Request, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::Protocol;
use crate::grpc::PAUSE_AFTER_ERROR;
use crate::grpc_reply::{Failure, check, check_status, encode};
use crate::runner::{self, Schedule, Settings};
use crate::stats::{Recorder, Report};
use crate::tls::Tls;

/// Opens `settings.connections` HTTP/2 connections, over mutual TLS when `tls` says how,
/// and runs `settings.pipeline()` concurrent callers on each, each caller a stream at a time.
pub async fn run(settings: &Settings, tls: Option<&Tls>) -> anyhow::Result<Report> {
    let connections = runner::connect_all(settings, |addr| open(addr, tls)).await?;
    let callers: Vec<SendRequest<Bytes>> = connections
        .iter()
        .flat_map(|connection| std::iter::repeat_n(connection, settings.pipeline()))
        .cloned()
        .collect();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let head = request_head(scheme, settings.addr())?;
    let record = runner::run_workers(settings, callers, move |n, send, schedule| {
        caller(n, send, head.clone(), schedule)
    })
    .await;
    Ok(Report::new(settings.info(Protocol::Grpc), record))
}

/// Connects (and does the TLS handshake, with `tls`), then starts HTTP/2.
async fn open(addr: SocketAddr, tls: Option<&Tls>) -> anyhow::Result<SendRequest<Bytes>> {
    match tls {
        Some(tls) => start(tls.connect(addr).await?).await,
        None => {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            start(stream).await
        }
    }
}

/// Starts HTTP/2 on a connection; the connection's own task (which reads and writes the
/// frames of every stream) runs in the background until every handle is dropped.
async fn start<T>(io: T) -> anyhow::Result<SendRequest<Bytes>>
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (send, connection) = h2::client::handshake(io).await?;
    // A broken connection fails every call on it: the callers record that.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(send)
}

/// The head of every `SayHello` request, built once: each call clones it.
fn request_head(scheme: &str, addr: SocketAddr) -> anyhow::Result<Request<()>> {
    Ok(Request::builder()
        .method(Method::POST)
        .uri(format!("{scheme}://{addr}/hello.Greeter/SayHello"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())?)
}

// ANCHOR: caller
/// One closed loop of calls on a shared connection. One timer covers the whole loop (the
/// end of the drain) rather than one per call.
async fn caller(
    n: usize,
    send: SendRequest<Bytes>,
    head: Request<()>,
    schedule: Schedule,
) -> Recorder {
    let mut record = Recorder::new();
    let mut name = String::new();
    let calls = calls(n, send, &head, schedule, &mut record, &mut name);
    if tokio::time::timeout_at(schedule.give_up_at, calls)
        .await
        .is_err()
    {
        record.error("no reply", || format!("no reply to {name} by the end"));
    }
    record
}

/// The loop itself: a new name for each call, its request encoded, sent, its reply
/// checked and recorded. `name` is the caller's, so that a call still unanswered at the
/// end can be named.
async fn calls(
    n: usize,
    mut send: SendRequest<Bytes>,
    head: &Request<()>,
    schedule: Schedule,
    record: &mut Recorder,
    name: &mut String,
) {
    let mut buffer = BytesMut::with_capacity(64);
    let mut id = 0u64;
    let mut now = Instant::now();
    while schedule.sending(now) {
        name.clear();
        let _ = write!(name, "w{n}-{id}");
        id += 1;
        let body = encode(&mut buffer, name);
        let sent = Instant::now();
        let reply = call(&mut send, head.clone(), body).await;
        now = Instant::now();
        match reply.and_then(|message| check(&message, name)) {
            Ok(()) if schedule.measures(sent, now) => record.ok(now - sent),
            Ok(()) => record.answered(),
            Err(Failure::Wrong(why)) => record.error("wrong reply", || why),
            Err(Failure::Call(why)) => {
                record.error("error reply", || format!("{name}: {why}"));
                tokio::time::sleep(PAUSE_AFTER_ERROR).await;
                now = Instant::now();
            }
        }
    }
}
// ANCHOR_END: caller

// ANCHOR: call
/// One unary call: send head and body on a new stream, read the reply's body and
/// trailers. Returns the reply's body (the gRPC message, prefix included).
async fn call(
    send: &mut SendRequest<Bytes>,
    head: Request<()>,
    body: Bytes,
) -> Result<Bytes, Failure> {
    // Waits for the server to allow another stream on this connection.
    std::future::poll_fn(|cx| send.poll_ready(cx)).await?;
    let (response, mut request_body) = send.send_request(head, false)?;
    request_body.send_data(body, true)?;

    let (parts, mut reply_body) = response.await?.into_parts();
    if parts.status != StatusCode::OK {
        return Err(Failure::Call(format!("HTTP status {}", parts.status)));
    }
    // A call that fails at once is "trailers only": the status is in the headers.
    if parts.headers.contains_key("grpc-status") {
        grpc_status(&parts.headers)?;
    }
    let mut message = Bytes::new();
    while let Some(chunk) = reply_body.data().await {
        let chunk = chunk?;
        // Gives the bytes back to HTTP/2 flow control, so the server may send more.
        let _ = reply_body.flow_control().release_capacity(chunk.len());
        message = if message.is_empty() {
            chunk
        } else {
            [message, chunk].concat().into()
        };
    }
    match reply_body.trailers().await? {
        Some(trailers) => grpc_status(&trailers)?,
        None if parts.headers.contains_key("grpc-status") => {}
        None => return Err(Failure::Call("no trailers, so no grpc-status".into())),
    }
    Ok(message)
}
// ANCHOR_END: call

/// `Ok` if `grpc-status` is 0 (OK); otherwise the status and its message.
fn grpc_status(headers: &HeaderMap) -> Result<(), Failure> {
    let header = |name: &str| headers.get(name).map(|value| value.as_bytes());
    check_status(header("grpc-status"), header("grpc-message"))
}

impl From<h2::Error> for Failure {
    fn from(e: h2::Error) -> Self {
        Failure::Call(e.to_string())
    }
}
