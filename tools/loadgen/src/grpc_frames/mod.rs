//! `loadgen grpc`'s default client: gRPC calls written and read as HTTP/2 frames by hand.
//!
//! A load generator must cost less per call than the server it measures, or it measures
//! itself. The `h2` crate's client ([`crate::grpc_h2`]) spends about 10 µs of CPU a call
//! here: a task per connection and one per caller, a stream state machine, header maps.
//! Against a server that needs 6 µs a call, it sets the pace. This client keeps each
//! connection in one task, with the calls in flight on it as slots, and does what the wire
//! needs and no more (frames and HPACK from `http2`, as `grpc-fast` does):
//!
//! - the request headers are added to the server's header table with the first call and
//!   named by index after that (`:method: POST` is `0x83`, our `:path` is `0xc1`), as
//!   HTTP/2 clients do, so a call's HEADERS block is 6 bytes;
//! - a call is one write (HEADERS and DATA), and one read usually brings its reply
//!   (HEADERS, DATA and the trailers), decoded with the server's header table kept in step;
//! - every reply is checked as the other clients check it (`grpc_reply`).
//!
//! It follows the server's SETTINGS (stream limit, header table size), answers its PINGs
//! and SETTINGS, and keeps HTTP/2 flow control in both directions.

use std::net::SocketAddr;

use anyhow::{Context as _, bail};
use http2::frame::{self, Head, flag, kind, setting};
use http2::hpack::{self, index};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::Protocol;
use crate::runner::{self, Settings};
use crate::stats::Report;

/// The window we give the server for each reply, and for the connection.
const RECEIVE_WINDOW: u32 = 1 << 20;

/// The headers a call sends besides `:method` and `:scheme`, added to the server's table by
/// the first call. Their table size: name + value + 32 each.
fn call_headers(addr: SocketAddr) -> [(&'static [u8], Vec<u8>); 4] {
    [
        (b":path", b"/hello.Greeter/SayHello".to_vec()),
        (b":authority", addr.to_string().into_bytes()),
        (b"content-type", b"application/grpc".to_vec()),
        (b"te", b"trailers".to_vec()),
    ]
}

/// Opens `settings.connections` connections and keeps `settings.pipeline()` calls in
/// flight on each.
pub async fn run(settings: &Settings) -> anyhow::Result<Report> {
    let pipeline = settings.pipeline();
    let connections = runner::connect_all(settings, Connection::open).await?;
    let record = runner::run_workers(settings, connections, move |n, connection, schedule| {
        connection.calls(n * pipeline, pipeline, schedule)
    })
    .await;
    Ok(Report::new(settings.info(Protocol::Grpc), record))
}

/// One connection, once the server's SETTINGS are in.
pub struct Connection {
    socket: TcpStream,
    addr: SocketAddr,
    input: Vec<u8>,
    out: Vec<u8>,
    /// The server's header table, kept in step with what it sends.
    decoder: hpack::Decoder,
    /// HEADERS of a call after the first: its headers by their table indexes.
    indexed_head: Option<Vec<u8>>,
    /// The headers of the first call, which adds them to the server's table (or of every
    /// call, if the server's table is too small to hold them).
    first_head: Vec<u8>,
    /// How much of the server's header table our headers take (0: they are not in it).
    table_needed: usize,
    /// The most calls the server lets us have open at once.
    max_streams: usize,
    /// What the server lets us send: on the connection, and on each new stream.
    send_window: i64,
    stream_window: i64,
    next_stream: u32,
    /// DATA received since we last opened the connection's window again.
    unacknowledged: u32,
}

impl Connection {
    /// Connects and sends the preface and our SETTINGS. The server's SETTINGS are read when
    /// the calls begin ([`Connection::handshake`]), so that a server that does not answer
    /// them costs errors in the run, as any other broken server does.
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Connection> {
        let socket = TcpStream::connect(addr).await?;
        socket.set_nodelay(true)?;
        let mut connection = Connection {
            socket,
            addr,
            input: Vec::with_capacity(2 * frame::DEFAULT_MAX_FRAME),
            out: Vec::with_capacity(4096),
            decoder: hpack::Decoder::default(),
            indexed_head: None,
            first_head: Vec::new(),
            table_needed: 0,
            max_streams: usize::MAX,
            send_window: i64::from(frame::DEFAULT_WINDOW),
            stream_window: i64::from(frame::DEFAULT_WINDOW),
            next_stream: 1,
            unacknowledged: 0,
        };
        connection.out.extend_from_slice(frame::PREFACE);
        frame::put_settings(
            &mut connection.out,
            &[
                (setting::ENABLE_PUSH, 0),
                (setting::INITIAL_WINDOW_SIZE, RECEIVE_WINDOW),
            ],
        );
        frame::put_window_update(
            &mut connection.out,
            0,
            RECEIVE_WINDOW - frame::DEFAULT_WINDOW,
        );
        connection.flush().await?;
        Ok(connection)
    }

    /// Reads the server's SETTINGS: a server starts with them, and until they are in we do
    /// not know its limits (how many calls at once, how large its header table).
    async fn handshake(&mut self) -> anyhow::Result<()> {
        let (head, payload) = self.next_frame().await?;
        if head.kind != kind::SETTINGS || head.has(flag::ACK) {
            bail!(
                "the server's first frame is not its SETTINGS (type {})",
                head.kind
            );
        }
        let table_size = self.apply_settings(&payload)?;
        self.prepare_heads(table_size.unwrap_or(hpack::DEFAULT_TABLE_SIZE));
        self.flush().await?;
        Ok(())
    }

    // ANCHOR: heads
    /// The HEADERS blocks of our calls. If the server's table can hold our four headers,
    /// the first call adds them and the others name them by index; if not, every call
    /// writes them out.
    fn prepare_heads(&mut self, table_size: usize) {
        let headers = call_headers(self.addr);
        let needed: usize = headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + hpack::ENTRY_OVERHEAD)
            .sum();
        let mut first = vec![];
        hpack::put_indexed(&mut first, index::METHOD_POST);
        hpack::put_indexed(&mut first, index::SCHEME_HTTP);
        let mut indexed = first.clone();
        let add = needed <= table_size;
        self.table_needed = if add { needed } else { 0 };
        for (n, (name, value)) in headers.iter().enumerate() {
            if add {
                hpack::put_added(&mut first, name, value);
                // Added in order, so the first one added is now the oldest entry.
                hpack::put_indexed(&mut indexed, index::FIRST_DYNAMIC + headers.len() - 1 - n);
            } else {
                hpack::put_literal(&mut first, name, value);
            }
        }
        self.first_head = first;
        self.indexed_head = add.then_some(indexed);
    }
    // ANCHOR_END: heads

    /// Applies the server's SETTINGS and acknowledges them; returns the header table size
    /// if they set it.
    fn apply_settings(&mut self, payload: &[u8]) -> anyhow::Result<Option<usize>> {
        let mut table_size = None;
        let settings = frame::settings(payload).context("SETTINGS of a bad length")?;
        for (id, value) in settings {
            match id {
                setting::MAX_CONCURRENT_STREAMS => self.max_streams = value as usize,
                setting::HEADER_TABLE_SIZE => table_size = Some(value as usize),
                setting::INITIAL_WINDOW_SIZE => self.stream_window = i64::from(value),
                _ => {}
            }
        }
        frame::put(&mut self.out, kind::SETTINGS, flag::ACK, 0, &[]);
        Ok(table_size)
    }

    async fn flush(&mut self) -> std::io::Result<()> {
        if !self.out.is_empty() {
            self.socket.write_all(&self.out).await?;
            self.out.clear();
        }
        Ok(())
    }

    /// Reads until one whole frame is in, and takes it (only for the handshake).
    async fn next_frame(&mut self) -> anyhow::Result<(Head, Vec<u8>)> {
        loop {
            if let Some((head, payload, used)) = frame::next(&self.input) {
                let payload = payload.to_vec();
                self.input.drain(..used);
                return Ok((head, payload));
            }
            if self.socket.read_buf(&mut self.input).await? == 0 {
                bail!("the server closed the connection");
            }
        }
    }
}

mod calls;
