//! What each frame from the client means to the fast server (RFC 9113, section 6), and
//! the frames that carry calls.
//!
//! Calls arrive as HEADERS (the method in `:path`, perhaps continued in CONTINUATION
//! frames) and DATA (the request message, the last frame flagged END_STREAM). The frames
//! that keep the connection going (SETTINGS, PING, WINDOW_UPDATE, RST_STREAM) are in
//! `control.rs`; GOAWAY means the client is leaving. A frame that breaks the protocol ends
//! the whole connection with a GOAWAY naming the error; one that breaks a single call
//! resets only that stream.

use proto::hello::greeter_server::Greeter;
use shared::http2::frame::{self, Head, error, flag, kind};
use shared::http2::hpack::ENTRY_OVERHEAD;

use super::calls::{self, Answer, MAX_MESSAGE, Route};
use super::connection::{
    Connection, ConnectionError, MAX_BUFFERED, MAX_HEADER_BLOCK, STREAM_WINDOW,
};
use super::reply;
use super::streams::{Phase, Stream, ends_stream, stop_receiving};
use crate::server::{MAX_HEADER_BYTES, MAX_STREAMS_PER_CONNECTION};

type Handled = Result<(), ConnectionError>;

fn protocol_error(why: impl Into<String>) -> ConnectionError {
    ConnectionError::new(error::PROTOCOL_ERROR, why)
}

impl<G: Greeter> Connection<G> {
    /// Handles every whole frame at the front of `input`; returns how many bytes they took.
    pub async fn handle_frames(&mut self, input: &[u8]) -> Result<usize, ConnectionError> {
        let mut used = 0;
        loop {
            let rest = &input[used..];
            if let Some(header) = rest.get(..frame::HEADER_LEN) {
                // Refused before it is read, so no frame can make us buffer more than 16 KiB.
                let head = Head::parse(header.try_into().expect("9 bytes"));
                if head.len > frame::DEFAULT_MAX_FRAME {
                    let why = format!(
                        "a frame of {} bytes; the most is {}",
                        head.len,
                        frame::DEFAULT_MAX_FRAME
                    );
                    return Err(ConnectionError::new(error::FRAME_SIZE_ERROR, why));
                }
            }
            let Some((head, payload, len)) = frame::next(rest) else {
                return Ok(used);
            };
            self.handle_frame(head, payload).await?;
            used += len;
        }
    }

    async fn handle_frame(&mut self, head: Head, payload: &[u8]) -> Handled {
        // A header block must be finished before anything else happens on the connection.
        if let Some((stream, _, _)) = &self.header_block
            && (head.kind != kind::CONTINUATION || head.stream != *stream)
        {
            return Err(protocol_error("a header block was interrupted"));
        }
        match head.kind {
            kind::HEADERS => self.on_headers(head, payload).await,
            kind::CONTINUATION => self.on_continuation(head, payload).await,
            kind::DATA => self.on_data(head, payload).await,
            kind::SETTINGS => self.on_settings(head, payload),
            kind::PING => self.on_ping(head, payload),
            kind::WINDOW_UPDATE => self.on_window_update(head, payload),
            kind::RST_STREAM => self.on_reset(head, payload),
            kind::GOAWAY => {
                self.going_away = true;
                Ok(())
            }
            kind::PUSH_PROMISE => Err(protocol_error("a client may not push")),
            // PRIORITY is advice a server may ignore; unknown frame types must be ignored.
            _ => Ok(()),
        }
    }

    async fn on_headers(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream == 0 || head.stream.is_multiple_of(2) {
            return Err(protocol_error("a client opens odd-numbered streams"));
        }
        let fragment =
            frame::unpadded(&head, payload).ok_or_else(|| protocol_error("bad padding"))?;
        if head.has(flag::END_HEADERS) {
            return self
                .on_header_block(head.stream, ends_stream(&head), fragment)
                .await;
        }
        self.header_block = Some((head.stream, ends_stream(&head), fragment.to_vec()));
        Ok(())
    }

    async fn on_continuation(&mut self, head: Head, payload: &[u8]) -> Handled {
        let Some((stream, end_stream, mut block)) = self.header_block.take() else {
            return Err(protocol_error("CONTINUATION without HEADERS"));
        };
        block.extend_from_slice(payload);
        if block.len() > MAX_HEADER_BLOCK {
            let why = format!("a header block over {MAX_HEADER_BLOCK} bytes");
            return Err(ConnectionError::new(error::ENHANCE_YOUR_CALM, why));
        }
        if head.has(flag::END_HEADERS) {
            return self.on_header_block(stream, end_stream, &block).await;
        }
        self.header_block = Some((stream, end_stream, block));
        Ok(())
    }

    /// A whole header block: a new call, or the trailers that end one.
    async fn on_header_block(&mut self, id: u32, end_stream: bool, block: &[u8]) -> Handled {
        // Decoded whatever becomes of the call: the client's table changes with it.
        let mut request = RequestHead::default();
        self.decoder
            .decode(block, |name, value| request.add(name, value))
            .map_err(|e| ConnectionError::new(error::COMPRESSION_ERROR, e.to_string()))?;

        if let Some(at) = self.position(id) {
            // Trailers of a request: they only end it.
            if !end_stream {
                return Err(protocol_error(
                    "a second header block that does not end the stream",
                ));
            }
            return self.end_of_request(at, &[]).await;
        }
        if id <= self.last_stream {
            return Err(protocol_error(format!("stream {id} is closed")));
        }
        self.last_stream = id;

        let refusal =
            if self.going_away || self.streams.len() >= MAX_STREAMS_PER_CONNECTION as usize {
                Some(Refusal::Reset(error::REFUSED_STREAM))
            } else {
                request.refusal()
            };
        match refusal {
            Some(Refusal::Reset(code)) => frame::put_reset(&mut self.out, id, code),
            Some(Refusal::Http(status)) => {
                reply::put_http_status(&mut self.out, id, status);
                if !end_stream {
                    stop_receiving(&mut self.out, id);
                }
            }
            None => {
                let route = request.route.unwrap_or_else(|| Route::from_path(b""));
                self.streams
                    .push(Stream::new(id, route, self.stream_send_window));
                if end_stream {
                    let at = self.streams.len() - 1;
                    return self.end_of_request(at, &[]).await;
                }
            }
        }
        Ok(())
    }

    async fn on_data(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream == 0 {
            return Err(protocol_error("DATA on stream 0"));
        }
        self.count_received(payload.len());
        let data = frame::unpadded(&head, payload).ok_or_else(|| protocol_error("bad padding"))?;
        let Some(at) = self.position(head.stream) else {
            if head.stream > self.last_stream {
                return Err(protocol_error(format!(
                    "DATA on stream {}, never opened",
                    head.stream
                )));
            }
            // A call already answered (early, with an error): what is still coming is dropped.
            return Ok(());
        };
        let stream = &mut self.streams[at];
        stream.received += payload.len();
        if !matches!(stream.phase, Phase::Receiving(_)) {
            return Ok(());
        }
        if stream.received > STREAM_WINDOW as usize {
            self.streams.swap_remove(at);
            frame::put_reset(&mut self.out, head.stream, error::FLOW_CONTROL_ERROR);
            return Ok(());
        }
        // The usual call: its whole message in one frame. Answered from the input itself.
        if stream.body.is_empty() && ends_stream(&head) {
            return self.end_of_request(at, data).await;
        }

        stream.body.extend_from_slice(data);
        self.buffered += data.len();
        let too_large = calls::announced_len(&stream.body).is_some_and(|len| len > MAX_MESSAGE);
        if too_large || self.buffered > MAX_BUFFERED {
            let why = if too_large {
                format!("the request message is over {MAX_MESSAGE} bytes")
            } else {
                "the connection holds too many unfinished requests".into()
            };
            let stream = self.remove(at);
            reply::put_error(
                &mut self.out,
                stream.id,
                tonic::Code::ResourceExhausted,
                &why,
            );
            stop_receiving(&mut self.out, stream.id);
            return Ok(());
        }
        if ends_stream(&head) {
            let body = std::mem::take(&mut self.streams[at].body);
            self.buffered -= body.len();
            return self.end_of_request(at, &body).await;
        }
        Ok(())
    }

    /// The request of the stream at `at` is complete: answers it.
    async fn end_of_request(&mut self, at: usize, body: &[u8]) -> Handled {
        let Phase::Receiving(route) = &self.streams[at].phase else {
            return Ok(());
        };
        let answer = calls::answer(&*self.greeter, route, body, self.serving).await;
        let stream = &mut self.streams[at];
        let id = stream.id;
        match answer {
            Answer::Reply(message) => {
                reply::put_head(&mut self.out, id);
                stream.phase = Phase::Replying;
                stream.queue(&message);
            }
            Answer::Watch { service, first } => {
                reply::put_head(&mut self.out, id);
                stream.phase = Phase::Watching(service);
                stream.queue(&first);
            }
            Answer::Stream(replies) => {
                // Its messages are made by the connection's loop, as the client takes them.
                reply::put_head(&mut self.out, id);
                stream.phase = Phase::Streaming(replies);
                return Ok(());
            }
            Answer::Fail(code, message) => {
                self.remove(at);
                reply::put_error(&mut self.out, id, code, &message);
                return Ok(());
            }
        }
        self.flush_stream(at);
        Ok(())
    }

    pub(super) fn position(&self, id: u32) -> Option<usize> {
        self.streams.iter().position(|stream| stream.id == id)
    }

    pub(super) fn remove(&mut self, at: usize) -> Stream {
        let stream = self.streams.swap_remove(at);
        self.buffered -= stream.body.len();
        stream
    }
}

/// What a call's header block says, gathered as it is decoded.
#[derive(Default)]
struct RequestHead {
    route: Option<Route>,
    post: bool,
    grpc: bool,
    /// The header list's size as HTTP/2 counts it: name + value + 32 per header.
    size: usize,
}

enum Refusal {
    Reset(u32),
    Http(u16),
}

impl RequestHead {
    fn add(&mut self, name: &[u8], value: &[u8]) {
        self.size += name.len() + value.len() + ENTRY_OVERHEAD;
        match name {
            b":path" => self.route = Some(Route::from_path(value)),
            b":method" => self.post = value == b"POST",
            b"content-type" => self.grpc = value.starts_with(b"application/grpc"),
            _ => {}
        }
    }

    /// Why this is not a call this server takes, if it is not.
    fn refusal(&self) -> Option<Refusal> {
        if self.size > MAX_HEADER_BYTES as usize {
            return Some(Refusal::Http(431));
        }
        if self.route.is_none() {
            return Some(Refusal::Reset(error::PROTOCOL_ERROR));
        }
        if !self.post {
            return Some(Refusal::Http(405));
        }
        if !self.grpc {
            return Some(Refusal::Http(415));
        }
        None
    }
}
