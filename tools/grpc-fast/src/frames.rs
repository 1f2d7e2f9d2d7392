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

use http2::frame::{self, Head, error, kind};
use proto::hello::greeter_server::Greeter;

use super::calls::{self, Answer, MAX_MESSAGE};
use super::connection::{
    Connection, ConnectionError, Handled, MAX_BUFFERED, STREAM_WINDOW, frame_size_error,
    protocol_error,
};
use super::reply;
use super::states::{Closed, State};
use super::streams::{Phase, ends_stream, stop_receiving};

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
                    return Err(frame_size_error(why));
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
    pub(super) async fn end_of_request(&mut self, at: usize, body: &[u8]) -> Handled {
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
