//! A raw HTTP/2 connection for tests that must break the rules: frames written byte by
//! byte, frames read back one at a time, headers decoded with the client's own table.

use http2::frame::{self, Head, flag, kind};
use http2::hpack::{self, index};
use testkit::{PATIENCE, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

pub struct Raw {
    pub socket: TcpStream,
    input: Vec<u8>,
    decoder: hpack::Decoder,
}

/// A frame the server sent, with its header block decoded if it has one.
#[derive(Debug)]
pub struct Frame {
    pub head: Head,
    pub payload: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Frame {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Raw {
    /// Connects and sends the preface and `settings`, nothing else.
    pub async fn connect(addr: &str, settings: &[(u16, u32)]) -> Raw {
        let socket = within("the connection", TcpStream::connect(addr))
            .await
            .expect("connect");
        let mut raw = Raw {
            socket,
            input: Vec::new(),
            decoder: hpack::Decoder::default(),
        };
        let mut out = frame::PREFACE.to_vec();
        frame::put_settings(&mut out, settings);
        raw.send(&out).await;
        raw
    }

    /// A connection on which nothing has been sent yet.
    pub fn from_socket(socket: TcpStream) -> Raw {
        Raw {
            socket,
            input: Vec::new(),
            decoder: hpack::Decoder::default(),
        }
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.socket
            .write_all(bytes)
            .await
            .expect("write to the server");
    }

    /// The next frame, or `None` once the server has closed the connection.
    pub async fn next(&mut self) -> Option<Frame> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some((head, payload, used)) = frame::next(&self.input) {
                let payload = payload.to_vec();
                self.input.drain(..used);
                let mut headers = Vec::new();
                if head.kind == kind::HEADERS {
                    let block = frame::unpadded(&head, &payload).expect("padding");
                    self.decoder
                        .decode(block, |n, v| {
                            headers.push((
                                String::from_utf8_lossy(n).into(),
                                String::from_utf8_lossy(v).into(),
                            ))
                        })
                        .expect("the server's headers decode");
                }
                return Some(Frame {
                    head,
                    payload,
                    headers,
                });
            }
            let read = tokio::time::timeout_at(deadline, self.socket.read_buf(&mut self.input));
            let Ok(read) = read.await else {
                panic!(
                    "no whole frame from the server within {PATIENCE:?}; it sent {} byte(s) of one",
                    self.input.len()
                );
            };
            if read.unwrap_or(0) == 0 {
                return None;
            }
        }
    }

    /// Skips frames until one of `kind` on `stream` comes.
    pub async fn until(&mut self, kind: u8, stream: u32) -> Frame {
        let deadline = Instant::now() + PATIENCE;
        loop {
            overdue(
                deadline,
                &format!("a frame of type {kind} on stream {stream}"),
            );
            let frame = self.next().await.expect("the server closed the connection");
            if frame.head.kind == kind && frame.head.stream == stream {
                return frame;
            }
        }
    }

    /// Skips frames until the HEADERS that end `stream`: its trailers.
    pub async fn trailers(&mut self, stream: u32) -> Frame {
        let deadline = Instant::now() + PATIENCE;
        loop {
            overdue(deadline, &format!("the trailers of stream {stream}"));
            let frame = self.until(kind::HEADERS, stream).await;
            if frame.head.has(flag::END_STREAM) {
                return frame;
            }
        }
    }

    /// Skips frames until `stream` is reset, and returns the RST_STREAM's error code; or,
    /// as `Err`, the code of a GOAWAY that came first. After a reset the connection must
    /// live on: a stream error is not a connection error (RFC 9113, section 5.4.2), so a
    /// PING sent then is answered.
    pub async fn stream_error(&mut self, stream: u32) -> Result<u32, u32> {
        let deadline = Instant::now() + PATIENCE;
        let code = loop {
            overdue(deadline, &format!("the reset of stream {stream}"));
            let frame = self.next().await.expect("the server closed the connection");
            let code = frame::u32_at(&frame.payload, 0);
            match frame.head.kind {
                kind::RST_STREAM if frame.head.stream == stream => break code.expect("a code"),
                kind::GOAWAY => return Err(frame::u32_at(&frame.payload, 4).expect("a code")),
                _ => {}
            }
        };
        self.ping().await;
        Ok(code)
    }

    /// Sends a PING and skips frames until its answer.
    pub async fn ping(&mut self) {
        let mut ping = Vec::new();
        frame::put(&mut ping, kind::PING, 0, 0, b"still on");
        self.send(&ping).await;
        let deadline = Instant::now() + PATIENCE;
        loop {
            overdue(deadline, "the PING's answer");
            let frame = self.until(kind::PING, 0).await;
            if frame.head.has(flag::ACK) && frame.payload == b"still on" {
                return;
            }
        }
    }

    /// Skips frames until the stream's last frame from the server (END_STREAM, or
    /// RST_STREAM).
    pub async fn end_of(&mut self, stream: u32) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            overdue(deadline, &format!("the end of stream {stream}"));
            let frame = self.next().await.expect("the server closed the connection");
            let ends = frame.head.has(flag::END_STREAM)
                && matches!(frame.head.kind, kind::HEADERS | kind::DATA);
            if frame.head.stream == stream && (ends || frame.head.kind == kind::RST_STREAM) {
                return;
            }
        }
    }

    /// Skips frames until the GOAWAY; returns its error code and debug text. The
    /// connection must then close.
    pub async fn goaway(&mut self) -> (u32, String) {
        let frame = self.until(kind::GOAWAY, 0).await;
        let code = frame::u32_at(&frame.payload, 4).expect("an error code");
        let why = String::from_utf8_lossy(&frame.payload[8..]).into_owned();
        self.closed().await;
        (code, why)
    }

    /// Skips frames until the server closes the connection.
    pub async fn closed(&mut self) {
        let deadline = Instant::now() + PATIENCE;
        while self.next().await.is_some() {
            overdue(deadline, "the server to close the connection");
        }
    }
}

/// Fails the test once `deadline` has passed, saying what it was waiting for: frames that
/// keep coming (a PING, another stream's DATA) must not keep a wait going forever.
fn overdue(deadline: Instant, what: &str) {
    assert!(
        Instant::now() < deadline,
        "no {what} within {PATIENCE:?}, though frames kept coming"
    );
}

/// The request h2spec sends for most of its cases (its `spec.CommonHeaders`): a GET of the
/// path it is given (`-P /hello.Greeter/SayHello`).
pub const H2SPEC_GET: [(&str, &str); 4] = [
    (":method", "GET"),
    (":scheme", "http"),
    (":path", "/hello.Greeter/SayHello"),
    (":authority", "127.0.0.1"),
];

/// A whole header block in one HEADERS frame: END_HEADERS, and `flags`.
fn headers_frame(out: &mut Vec<u8>, stream: u32, flags: u8, block: &[u8]) {
    frame::put(out, kind::HEADERS, flag::END_HEADERS | flags, stream, block);
}

/// A HEADERS frame (END_HEADERS, and `flags`) with `fields` as HPACK literals that add
/// nothing to the server's table.
pub fn headers(out: &mut Vec<u8>, stream: u32, flags: u8, fields: &[(&str, &str)]) {
    let mut block = Vec::new();
    for (name, value) in fields {
        hpack::put_literal(&mut block, name.as_bytes(), value.as_bytes());
    }
    headers_frame(out, stream, flags, &block);
}

/// The HEADERS of a SayHello call on `stream`, with its headers written out in full.
pub fn call_headers(out: &mut Vec<u8>, stream: u32, flags: u8) {
    let mut block = Vec::new();
    hpack::put_indexed(&mut block, index::METHOD_POST);
    hpack::put_indexed(&mut block, index::SCHEME_HTTP);
    hpack::put_with_name_index(&mut block, index::PATH, b"/hello.Greeter/SayHello");
    hpack::put_with_name_index(&mut block, index::CONTENT_TYPE, b"application/grpc");
    headers_frame(out, stream, flags, &block);
}

/// `HelloRequest { name }` as gRPC DATA on `stream`, ending it.
pub fn call_data(out: &mut Vec<u8>, stream: u32, name: &str) {
    let request = proto::hello::HelloRequest { name: name.into() };
    let mut body = Vec::new();
    shared::grpc::message::put_message(&mut body, &request);
    frame::put(out, kind::DATA, flag::END_STREAM, stream, &body);
}
