//! What each frame from the client means to the fast server (RFC 9113, section 6), and
//! the frames that carry calls.
//!
//! Calls arrive as HEADERS (the method in `:path`, perhaps continued in CONTINUATION
//! frames) and DATA (the request message, the last frame flagged END_STREAM). The frames
//! that keep the connection going (SETTINGS, PING, WINDOW_UPDATE, RST_STREAM, PRIORITY,
//! GOAWAY) are in `control.rs`. Whether a frame may name its stream at all is decided by
//! the stream's state (`states.rs`), whether a header block is a well-formed request by
//! `request.rs`. A frame that breaks the protocol ends the whole connection with a GOAWAY
//! naming the error; one that breaks a single call resets only that stream.

use proto::hello::greeter_server::Greeter;
use shared::http2::frame::{self, Head, error, flag, kind};
use tracing::debug;

use super::calls::{self, Answer, MAX_MESSAGE};
use super::connection::{
    Connection, ConnectionError, Drain, MAX_BUFFERED, MAX_HEADER_BLOCK, STREAM_WINDOW,
};
use super::reply;
use super::request::{self, RequestHead, Verdict};
use super::states::{Closed, State};
use super::streams::{Phase, Stream, ends_stream, stop_receiving};
use crate::server::MAX_STREAMS_PER_CONNECTION;

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
        if let Some((block, _)) = &self.header_block
            && (head.kind != kind::CONTINUATION || head.stream != block.stream)
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
            kind::PRIORITY => self.on_priority(head, payload),
            kind::GOAWAY => self.on_goaway(head),
            kind::PUSH_PROMISE => Err(protocol_error("a client may not push")),
            // Unknown frame types must be ignored (section 5.5).
            _ => Ok(()),
        }
    }

    async fn on_headers(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream == 0 || head.stream.is_multiple_of(2) {
            return Err(protocol_error("a client opens odd-numbered streams"));
        }
        let fragment =
            frame::unpadded(&head, payload).ok_or_else(|| protocol_error("bad padding"))?;
        let block = HeaderBlock {
            stream: head.stream,
            end_stream: ends_stream(&head),
            self_dependent: depends_on_itself(&head, payload),
        };
        if head.has(flag::END_HEADERS) {
            return self.on_header_block(block, fragment).await;
        }
        self.header_block = Some((block, fragment.to_vec()));
        Ok(())
    }

    async fn on_continuation(&mut self, head: Head, payload: &[u8]) -> Handled {
        let Some((block, mut bytes)) = self.header_block.take() else {
            return Err(protocol_error("CONTINUATION without HEADERS"));
        };
        bytes.extend_from_slice(payload);
        if bytes.len() > MAX_HEADER_BLOCK {
            let why = format!("a header block over {MAX_HEADER_BLOCK} bytes");
            return Err(ConnectionError::new(error::ENHANCE_YOUR_CALM, why));
        }
        if head.has(flag::END_HEADERS) {
            return self.on_header_block(block, &bytes).await;
        }
        self.header_block = Some((block, bytes));
        Ok(())
    }

    /// A whole header block: a new call, the trailers that end one, or a mistake.
    async fn on_header_block(&mut self, block: HeaderBlock, bytes: &[u8]) -> Handled {
        let id = block.stream;
        match self.state(id) {
            State::Open(at) => return self.on_trailers(at, block.end_stream, bytes).await,
            State::Idle => {}
            State::Closed(how) => {
                self.decode(bytes, |_, _| {})?;
                return self.on_closed_stream(kind::HEADERS, id, how);
            }
        }
        let mut request = RequestHead::default();
        self.decode(bytes, |name, value| request.add(name, value))?;
        self.last_stream = id;

        let content_length = request.content_length;
        let verdict = if block.self_dependent {
            // RFC 7540, section 5.3.1 (whose PRIORITY fields RFC 9113 still parses).
            Verdict::Reset(error::PROTOCOL_ERROR, "a stream that depends on itself")
        } else if self.drain == Drain::Closing {
            Verdict::Reset(error::REFUSED_STREAM, "the server is shutting down")
        } else if self.streams.len() >= MAX_STREAMS_PER_CONNECTION as usize {
            // Section 5.1.2: over the limit we announced, refused without harm: the client
            // may try it again.
            Verdict::Reset(error::REFUSED_STREAM, "too many streams")
        } else {
            request.verdict()
        };
        let phase = match verdict {
            Verdict::Call(route) => Phase::Receiving(route),
            Verdict::Http(status) => Phase::Refusing(status),
            Verdict::Reset(code, why) => {
                debug!(stream = id, why, "refusing a stream");
                frame::put_reset(&mut self.out, id, code);
                self.closed.record(id, Closed::ResetByUs);
                return Ok(());
            }
        };
        let mut stream = Stream::new(id, phase, self.stream_send_window);
        stream.content_length = content_length;
        self.streams.push(stream);
        if block.end_stream {
            let at = self.streams.len() - 1;
            return self.end_of_request(at, &[]).await;
        }
        Ok(())
    }

    /// A second header block on an open stream: trailers, which must end the request and
    /// hold regular fields only (section 8.1). Otherwise the request is malformed.
    async fn on_trailers(&mut self, at: usize, end_stream: bool, bytes: &[u8]) -> Handled {
        let mut broken = None;
        self.decode(bytes, |name, value| {
            broken = broken.or(request::check_trailer(name, value).err());
        })?;
        let id = self.streams[at].id;
        if !self.streams[at].receiving() {
            // Half-closed (remote): the client has ended this stream already (section 5.1).
            self.reset(id, error::STREAM_CLOSED);
            return Ok(());
        }
        if !end_stream {
            broken = Some("a second header block that does not end the stream");
        }
        if let Some(why) = broken {
            debug!(stream = id, why, "malformed trailers");
            self.reset(id, error::PROTOCOL_ERROR);
            return Ok(());
        }
        let body = std::mem::take(&mut self.streams[at].body);
        self.buffered -= body.len();
        self.end_of_request(at, &body).await
    }

    fn decode(&mut self, block: &[u8], field: impl FnMut(&[u8], &[u8])) -> Handled {
        self.decoder
            .decode(block, field)
            .map_err(|e| ConnectionError::new(error::COMPRESSION_ERROR, e.to_string()))
    }

    async fn on_data(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream == 0 {
            return Err(protocol_error("DATA on stream 0"));
        }
        // Counted against the connection's window whatever becomes of it.
        self.count_received(payload.len());
        let data = frame::unpadded(&head, payload).ok_or_else(|| protocol_error("bad padding"))?;
        let id = head.stream;
        let at = match self.state(id) {
            State::Open(at) => at,
            // Section 5.1: only HEADERS and PRIORITY may name an idle stream.
            State::Idle => return Err(protocol_error(format!("DATA on idle stream {id}"))),
            State::Closed(how) => return self.on_closed_stream(kind::DATA, id, how),
        };
        let stream = &mut self.streams[at];
        if !stream.receiving() {
            // Half-closed (remote): the client ended its side already (section 5.1).
            self.reset(id, error::STREAM_CLOSED);
            return Ok(());
        }
        stream.received += payload.len();
        stream.body_len += data.len() as u64;
        if stream.received > STREAM_WINDOW as usize {
            // More than the window we gave it (section 6.9.1).
            self.reset(id, error::FLOW_CONTROL_ERROR);
            return Ok(());
        }
        if stream
            .content_length
            .is_some_and(|length| stream.body_len > length)
        {
            // More body than the client announced: malformed (section 8.1.1).
            self.reset(id, error::PROTOCOL_ERROR);
            return Ok(());
        }
        if matches!(stream.phase, Phase::Refusing(_)) {
            // Not a call: the body is dropped as it comes; its end brings the answer.
            return match ends_stream(&head) {
                true => self.end_of_request(at, &[]).await,
                false => Ok(()),
            };
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
            let stream = self.close(at, Closed::ResetByUs);
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
        let stream = &self.streams[at];
        if stream
            .content_length
            .is_some_and(|length| length != stream.body_len)
        {
            // Less body than the client announced: malformed (section 8.1.1).
            self.reset(stream.id, error::PROTOCOL_ERROR);
            return Ok(());
        }
        let route = match &stream.phase {
            Phase::Receiving(route) => route,
            Phase::Refusing(status) => {
                let status = *status;
                self.answer_http(at, status);
                return Ok(());
            }
            _ => return Ok(()),
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
                self.close(at, Closed::Ended);
                reply::put_error(&mut self.out, id, code, &message);
                return Ok(());
            }
        }
        self.flush_stream(at);
        Ok(())
    }

    /// Answers a request that is not a gRPC call with an HTTP status, and a line that says
    /// why as its body.
    fn answer_http(&mut self, at: usize, status: u16) {
        let stream = &mut self.streams[at];
        reply::put_http_head(&mut self.out, stream.id, status);
        stream.phase = Phase::Http;
        stream.queue(reply::http_body(status));
        self.flush_stream(at);
    }

    pub(super) fn position(&self, id: u32) -> Option<usize> {
        self.streams.iter().position(|stream| stream.id == id)
    }
}

/// What a HEADERS frame said of its header block, kept while CONTINUATIONs bring the rest.
pub struct HeaderBlock {
    stream: u32,
    end_stream: bool,
    self_dependent: bool,
}

/// Whether a HEADERS frame's priority fields make its stream depend on itself.
fn depends_on_itself(head: &Head, payload: &[u8]) -> bool {
    if !head.has(flag::PRIORITY) {
        return false;
    }
    let at = usize::from(head.has(flag::PADDED));
    frame::u32_at(payload, at)
        .is_some_and(|dependency| dependency & frame::MAX_WINDOW == head.stream)
}
