//! A raw HTTP/2 connection for tests that must break the rules: frames written byte by
//! byte, frames read back one at a time, headers decoded with the client's own table.

use shared::http2::frame::{self, Head, flag, kind};
use shared::http2::hpack::{self, index};
use testkit::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

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
            let read = within(
                "a frame from the server",
                self.socket.read_buf(&mut self.input),
            )
            .await;
            if read.unwrap_or(0) == 0 {
                return None;
            }
        }
    }

    /// Skips frames until one of `kind` on `stream` comes.
    pub async fn until(&mut self, kind: u8, stream: u32) -> Frame {
        loop {
            let frame = self.next().await.expect("the server closed the connection");
            if frame.head.kind == kind && frame.head.stream == stream {
                return frame;
            }
        }
    }

    /// Skips frames until the HEADERS that end `stream`: its trailers.
    pub async fn trailers(&mut self, stream: u32) -> Frame {
        loop {
            let frame = self.until(kind::HEADERS, stream).await;
            if frame.head.has(flag::END_STREAM) {
                return frame;
            }
        }
    }

    /// Skips frames until the GOAWAY; returns its error code and debug text. The
    /// connection must then close.
    pub async fn goaway(&mut self) -> (u32, String) {
        let frame = self.until(kind::GOAWAY, 0).await;
        let code = frame::u32_at(&frame.payload, 4).expect("an error code");
        let why = String::from_utf8_lossy(&frame.payload[8..]).into_owned();
        while self.next().await.is_some() {}
        (code, why)
    }
}

/// The HEADERS of a SayHello call on `stream`, with its headers written out in full.
pub fn call_headers(out: &mut Vec<u8>, stream: u32, flags: u8) {
    let mut block = Vec::new();
    hpack::put_indexed(&mut block, index::METHOD_POST);
    hpack::put_indexed(&mut block, index::SCHEME_HTTP);
    hpack::put_with_name_index(&mut block, index::PATH, b"/hello.Greeter/SayHello");
    hpack::put_with_name_index(&mut block, index::CONTENT_TYPE, b"application/grpc");
    frame::put(
        out,
        kind::HEADERS,
        flag::END_HEADERS | flags,
        stream,
        &block,
    );
}

/// `HelloRequest { name }` as gRPC DATA on `stream`, ending it.
pub fn call_data(out: &mut Vec<u8>, stream: u32, name: &str) {
    use prost::Message;
    let request = proto::hello::HelloRequest { name: name.into() };
    let mut body = vec![0];
    body.extend_from_slice(&(request.encoded_len() as u32).to_be_bytes());
    request.encode(&mut body).unwrap();
    frame::put(out, kind::DATA, flag::END_STREAM, stream, &body);
}
