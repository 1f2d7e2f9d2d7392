//! HEADERS and CONTINUATION: how a call opens, and how trailers end it.
//!
//! A header block may be cut over one HEADERS frame and any number of CONTINUATION frames;
//! nothing else may come between them (RFC 9113, section 4.3). Once whole, it is decoded
//! (always: the client's HPACK table changes with it) and then means, by the state of its
//! stream (`states.rs`): a new call, checked as a request (`request.rs`); the trailers of
//! one; or a mistake the RFC says how to answer.

use http2::frame::{self, Head, error, flag, kind};
use proto::hello::greeter_server::Greeter;
use tracing::debug;

use super::connection::{
    Connection, ConnectionError, Drain, Handled, MAX_HEADER_BLOCK, protocol_error,
};
use super::request::{self, RequestHead, Verdict};
use super::states::{Closed, State};
use super::streams::{Phase, Stream, ends_stream};
use shared::grpc::MAX_STREAMS_PER_CONNECTION;

impl<G: Greeter> Connection<G> {
    pub(super) async fn on_headers(&mut self, head: Head, payload: &[u8]) -> Handled {
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

    pub(super) async fn on_continuation(&mut self, head: Head, payload: &[u8]) -> Handled {
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
}

/// What a HEADERS frame said of its header block, kept while CONTINUATIONs bring the rest.
pub struct HeaderBlock {
    pub stream: u32,
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
