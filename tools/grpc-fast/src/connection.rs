//! One HTTP/2 connection of the fast server: read what arrived, answer it, write, repeat.
//!
//! The loop is the whole idea. One `read` takes everything the client has sent (often the
//! HEADERS and DATA of a call, or of several); every whole frame in it is handled in order,
//! and each answer is appended to one output buffer; then one `write` sends all of it. So a
//! call costs one read and one write, and calls that arrive together leave together.
//! Between reads the task waits for four things only: more bytes, a change of the
//! server's health (a shutdown), the keepalive timer, and the next messages of a server
//! stream that the client has room for.
//!
//! What the frames mean is in `frames.rs`; this file owns the socket, the buffers and the
//! connection's life: its opening (the preface and both sides' SETTINGS), keepalive, the
//! graceful GOAWAY, and the end.
//!
//! The graceful end takes two GOAWAY frames, as RFC 9113 (section 6.8) advises. A client
//! may have sent the HEADERS of a call just before the server decided to stop; those bytes
//! are on their way, and a GOAWAY that named the last stream the server has *read* would
//! refuse that call, or close the connection under it while the client sends the rest. So
//! the first GOAWAY names the largest stream number there is, "no new calls, please", with
//! a PING behind it. The client answers the PING after it has read the GOAWAY, so every
//! call it opened before comes ahead of that answer. Then the second GOAWAY names the last
//! stream truly opened, and the connection ends once those calls are answered.

use std::future::poll_fn;
use std::sync::Arc;

use http2::frame::{self, setting};
use http2::hpack;
use proto::hello::greeter_server::Greeter;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tracing::debug;

use super::calls::MAX_MESSAGE;
use super::headers::HeaderBlock;
use super::keepalive::{Due, Keepalive};
use super::states::RecentlyClosed;
use super::streams::Stream;
use shared::grpc::message::PREFIX_LEN;
use shared::grpc::{MAX_HEADER_BYTES, MAX_STREAMS_PER_CONNECTION};

/// What each stream may send us: one whole message of the largest size, with its prefix.
/// It is never opened further, since a unary call sends one message.
pub const STREAM_WINDOW: u32 = (MAX_MESSAGE + PREFIX_LEN) as u32;

/// What the connection as a whole may have in flight to us; reopened as it is read.
pub const CONNECTION_WINDOW: u32 = 1 << 20;

/// The most request bytes one connection may hold in unfinished calls.
pub const MAX_BUFFERED: usize = 2 * MAX_MESSAGE;

/// The longest header block (HEADERS and its CONTINUATIONs) taken in before decoding it.
pub const MAX_HEADER_BLOCK: usize = 4 * MAX_HEADER_BYTES as usize;

/// The PING sent behind the first GOAWAY of a graceful end; its answer ends the wait.
pub const DRAIN_PING: &[u8; 8] = b"draining";

/// How far the connection is in its graceful end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drain {
    Serving,
    /// The first GOAWAY and its PING went out: calls still arrive until the PING's answer.
    Announced,
    /// The last GOAWAY went out, or the client sent one: no new calls, and the connection
    /// ends when those it has are done.
    Closing,
}

/// Why a connection must end at once: the GOAWAY error code and a few words for the log.
#[derive(Debug)]
pub struct ConnectionError {
    pub code: u32,
    pub why: String,
}

impl ConnectionError {
    pub fn new(code: u32, why: impl Into<String>) -> ConnectionError {
        ConnectionError {
            code,
            why: why.into(),
        }
    }
}

/// What a frame handler returns: `Err` ends the connection.
pub type Handled = Result<(), ConnectionError>;

/// The client broke a rule of HTTP/2: PROTOCOL_ERROR, the most common connection error.
pub fn protocol_error(why: impl Into<String>) -> ConnectionError {
    ConnectionError::new(frame::error::PROTOCOL_ERROR, why)
}

/// A frame whose length its kind does not allow (a PING not 8 bytes long, say).
pub fn frame_size_error(why: impl Into<String>) -> ConnectionError {
    ConnectionError::new(frame::error::FRAME_SIZE_ERROR, why)
}

/// Everything one connection knows.
pub struct Connection<G> {
    pub greeter: Arc<G>,
    /// The server's health: `true` while serving, `false` once it is shutting down.
    pub serving: bool,
    /// The client's header table, as its HEADERS frames build it.
    pub decoder: hpack::Decoder,
    /// Open calls, few enough (at most 128) that a list beats a map.
    pub streams: Vec<Stream>,
    /// How the streams that closed lately closed (`states.rs`).
    pub closed: RecentlyClosed,
    /// Frames to send, written out after each read.
    pub out: Vec<u8>,
    /// The highest stream the client has opened.
    pub last_stream: u32,
    /// A HEADERS frame waiting for its CONTINUATIONs, and the block's bytes so far.
    pub header_block: Option<(HeaderBlock, Vec<u8>)>,
    /// What the client lets us send on the connection, and on each new stream.
    pub send_window: i64,
    pub stream_send_window: i64,
    /// The largest frame the client takes.
    pub max_frame: usize,
    /// DATA bytes read since we last reopened the connection's window.
    pub unacknowledged: u32,
    /// Bytes held in unfinished calls' bodies.
    pub buffered: usize,
    /// Where the connection is in a graceful end.
    pub drain: Drain,
}

/// Serves one connection until the client closes it, breaks the protocol, or the server
/// has shut down and the connection's calls are done.
pub async fn serve<G: Greeter>(
    socket: TcpStream,
    greeter: Arc<G>,
    mut health: watch::Receiver<bool>,
) {
    let serving = *health.borrow_and_update();
    let mut connection = Connection {
        greeter,
        serving,
        decoder: hpack::Decoder::default(),
        streams: Vec::new(),
        closed: RecentlyClosed::default(),
        out: Vec::with_capacity(4096),
        last_stream: 0,
        header_block: None,
        send_window: i64::from(frame::DEFAULT_WINDOW),
        stream_send_window: i64::from(frame::DEFAULT_WINDOW),
        max_frame: frame::DEFAULT_MAX_FRAME,
        unacknowledged: 0,
        buffered: 0,
        drain: Drain::Serving,
    };
    if let Err(error) = connection.run(socket, &mut health).await {
        debug!(%error, "connection ended");
    }
}

impl<G: Greeter> Connection<G> {
    async fn run(
        &mut self,
        mut socket: TcpStream,
        health: &mut watch::Receiver<bool>,
    ) -> std::io::Result<()> {
        // Our SETTINGS first (a server may send them before the client's preface), and a
        // connection window larger than HTTP/2's 64 KiB.
        frame::put_settings(
            &mut self.out,
            &[
                (setting::MAX_CONCURRENT_STREAMS, MAX_STREAMS_PER_CONNECTION),
                (setting::INITIAL_WINDOW_SIZE, STREAM_WINDOW),
                (setting::MAX_HEADER_LIST_SIZE, MAX_HEADER_BYTES),
            ],
        );
        frame::put_window_update(&mut self.out, 0, CONNECTION_WINDOW - frame::DEFAULT_WINDOW);
        if !self.greet(&mut socket).await? {
            return Ok(());
        }

        let mut input = Vec::with_capacity(2 * frame::DEFAULT_MAX_FRAME);
        let mut keepalive = Keepalive::new();
        if !self.serving {
            self.start_draining();
        }
        // ANCHOR: loop
        loop {
            // Every whole frame that arrived, in order; a broken rule ends the connection.
            let used = match self.handle_frames(&input).await {
                Ok(used) => used,
                Err(broken) => return self.close_with_goaway(broken, &mut socket).await,
            };
            input.drain(..used);
            // All the answers they made, in one write.
            if !self.out.is_empty() {
                socket.write_all(&self.out).await?;
                self.out.clear();
            }
            if self.drain == Drain::Closing && self.streams.is_empty() {
                return Ok(());
            }
            // Then wait for whatever comes next.
            input.reserve(frame::DEFAULT_MAX_FRAME);
            let streaming = self.wants_messages();
            let event = tokio::select! {
                biased;
                read = socket.read_buf(&mut input) => Event::Read(read?),
                changed = health.changed() => Event::Health(changed.is_ok()),
                () = keepalive.tick() => Event::Tick,
                () = poll_fn(|cx| self.poll_messages(cx)), if streaming => Event::Messages,
            };
            if !self.on_event(event, health, &mut keepalive) {
                return Ok(());
            }
        }
        // ANCHOR_END: loop
    }

    /// Handles what woke the task; `false` when the connection should end.
    fn on_event(
        &mut self,
        event: Event,
        health: &mut watch::Receiver<bool>,
        keepalive: &mut Keepalive,
    ) -> bool {
        match event {
            Event::Read(0) | Event::Health(false) => return false,
            Event::Read(_) => keepalive.heard_from_client(),
            Event::Health(true) => {
                self.serving = *health.borrow_and_update();
                self.health_changed();
                if !self.serving {
                    self.start_draining();
                }
            }
            Event::Tick => match keepalive.due() {
                Due::Nothing => {}
                Due::Ping => frame::put(&mut self.out, frame::kind::PING, 0, 0, &[0; 8]),
                Due::Close => {
                    debug!("closing the connection: no answer to a keepalive PING");
                    return false;
                }
            },
            // Server streams made messages: they are in the output, sent at the loop's top.
            Event::Messages => {}
        }
        true
    }

    /// The client broke a rule of HTTP/2: a GOAWAY names the error, and the connection ends.
    async fn close_with_goaway(
        &mut self,
        broken: ConnectionError,
        socket: &mut TcpStream,
    ) -> std::io::Result<()> {
        debug!(code = broken.code, why = %broken.why, "closing: the client broke HTTP/2");
        frame::put_goaway(&mut self.out, self.last_stream, broken.code, &broken.why);
        socket.write_all(&self.out).await
    }

    /// Reads the client's preface. `false` if what arrived is not HTTP/2.
    async fn greet(&mut self, socket: &mut TcpStream) -> std::io::Result<bool> {
        socket.write_all(&self.out).await?;
        self.out.clear();
        let mut preface = [0; frame::PREFACE.len()];
        socket.read_exact(&mut preface).await?;
        if &preface != frame::PREFACE {
            debug!(first_bytes = %String::from_utf8_lossy(&preface).escape_debug(), "not HTTP/2; closing");
            return Ok(false);
        }
        Ok(true)
    }

    /// The server is shutting down: the first GOAWAY tells the client to open no more
    /// calls here, and the PING behind it finds out when it has read that.
    fn start_draining(&mut self) {
        if self.drain == Drain::Serving {
            self.drain = Drain::Announced;
            let (out, code) = (&mut self.out, frame::error::NO_ERROR);
            frame::put_goaway(out, frame::MAX_WINDOW, code, "shutting down");
            frame::put(out, frame::kind::PING, 0, 0, DRAIN_PING);
        }
    }

    /// The client has read the first GOAWAY: the second names the last call that will be
    /// answered.
    pub fn finish_draining(&mut self) {
        self.drain = Drain::Closing;
        let (out, code) = (&mut self.out, frame::error::NO_ERROR);
        frame::put_goaway(out, self.last_stream, code, "shutting down");
    }
}

/// What woke the connection's task.
enum Event {
    /// Bytes from the client (0: it closed the connection).
    Read(usize),
    /// The server's health changed (`false`: the server is gone).
    Health(bool),
    /// The keepalive timer.
    Tick,
    /// A server stream made messages.
    Messages,
}
