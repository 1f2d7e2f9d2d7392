//! The calls open on one connection, and HTTP/2 flow control for what goes back.
//!
//! Each call is a stream. It is *receiving* from its HEADERS until the DATA frame that ends
//! it; then it is answered. A reply's DATA may not exceed what the client lets us send:
//! HTTP/2 gives every stream, and the connection as a whole, a window of bytes the receiver
//! has room for, opened further by its WINDOW_UPDATE frames. A reply that does not fit
//! waits here, in its stream's outbox, until the client makes room. For the Greeter's
//! replies of a few bytes that never happens with a real client, but a client that sets its
//! window to zero must not make the server break the rules, or buffer without bound.

use std::task::{Context, Poll};

use http2::frame::{self, flag, kind};

use super::calls::Route;
use super::reply;
use shared::greeter::ReplyStream;

/// How many bytes of a server stream's messages are made at a time: then they are sent,
/// and the connection reads again, before the next are made.
const STREAM_BUDGET: usize = 16 * 1024;

/// One call on the connection.
pub struct Stream {
    pub id: u32,
    pub phase: Phase,
    /// The request's DATA so far, when it comes in more than one frame.
    pub body: Vec<u8>,
    /// Bytes of DATA received on this stream, padding included: at most our window.
    pub received: usize,
    /// The request body's bytes so far, padding excluded, and the length the client
    /// announced for it (`content-length`), which they must match (RFC 9113, section 8.1.1).
    pub body_len: u64,
    pub content_length: Option<u64>,
    /// What the client lets us send on this stream.
    pub send_window: i64,
    /// Reply bytes (DATA payload) still to send.
    outbox: Vec<u8>,
}

pub enum Phase {
    /// The request is still arriving.
    Receiving(Route),
    /// A request that is not a gRPC call, still arriving: its body is dropped as it comes,
    /// and once it has all come it is answered with this HTTP status.
    Refusing(u16),
    /// That answer: the outbox is its body, and its last DATA frame ends the stream.
    Http,
    /// Answered; the outbox drains, then the trailers end the stream.
    Replying,
    /// A health `Watch` on this service: a message at every change, never an end.
    Watching(String),
    /// A server stream (`SayHelloStream`): its messages are made as the client makes room
    /// for them, so a stream of a billion messages costs no more memory than one.
    Streaming(ReplyStream),
}

impl Stream {
    pub fn new(id: u32, phase: Phase, send_window: i64) -> Stream {
        Stream {
            id,
            phase,
            body: Vec::new(),
            received: 0,
            body_len: 0,
            content_length: None,
            send_window,
            outbox: Vec::new(),
        }
    }

    /// Queues `message` (one gRPC message, prefix included) to be sent as DATA.
    pub fn queue(&mut self, message: &[u8]) {
        self.outbox.extend_from_slice(message);
    }

    /// Whether the client is still sending this stream's request: open, not half-closed.
    pub fn receiving(&self) -> bool {
        matches!(self.phase, Phase::Receiving(_) | Phase::Refusing(_))
    }

    /// Sends as much of the outbox as both windows allow, in frames of at most `max_frame`
    /// bytes, and then, if it is a reply and all of it went, the trailers (or, for an HTTP
    /// answer, END_STREAM on its last DATA frame). Returns whether the stream is over.
    pub fn flush(
        &mut self,
        out: &mut Vec<u8>,
        connection_window: &mut i64,
        max_frame: usize,
    ) -> bool {
        let mut sent = 0;
        while sent < self.outbox.len() {
            let room = self.send_window.min(*connection_window).max(0) as usize;
            let len = (self.outbox.len() - sent).min(room).min(max_frame);
            if len == 0 {
                break;
            }
            let last = sent + len == self.outbox.len() && matches!(self.phase, Phase::Http);
            let flags = if last { flag::END_STREAM } else { 0 };
            frame::put(
                out,
                kind::DATA,
                flags,
                self.id,
                &self.outbox[sent..sent + len],
            );
            self.send_window -= len as i64;
            *connection_window -= len as i64;
            sent += len;
        }
        self.outbox.drain(..sent);
        match self.phase {
            _ if !self.outbox.is_empty() => false,
            Phase::Replying => {
                reply::put_ok_trailers(out, self.id);
                true
            }
            Phase::Http => true,
            _ => false,
        }
    }

    pub fn has_queued(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// Whether this is a server stream whose next messages could be sent now.
    pub fn wants_messages(&self, connection_window: i64) -> bool {
        matches!(self.phase, Phase::Streaming(_))
            && self.outbox.is_empty()
            && self.send_window > 0
            && connection_window > 0
    }

    /// Makes a server stream's next messages, up to [`STREAM_BUDGET`] bytes. `Ready` with
    /// what happened, or `Pending` when the stream has nothing yet (it wakes the task when
    /// it has).
    pub fn poll_messages(&mut self, cx: &mut Context<'_>) -> Poll<Produced> {
        let Phase::Streaming(replies) = &mut self.phase else {
            return Poll::Pending;
        };
        let mut made = false;
        while self.outbox.len() < STREAM_BUDGET {
            match replies.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(reply))) => {
                    self.outbox
                        .extend_from_slice(&shared::grpc::message::message_bytes(&reply));
                    made = true;
                }
                Poll::Ready(Some(Err(status))) => return Poll::Ready(Produced::Failed(status)),
                Poll::Ready(None) => {
                    self.phase = Phase::Replying;
                    return Poll::Ready(Produced::Messages);
                }
                Poll::Pending if made => break,
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Produced::Messages)
    }
}

/// What a server stream made.
pub enum Produced {
    /// Messages in its outbox (and, if it ended, the phase is `Replying`).
    Messages,
    /// It failed: its trailers carry this status.
    Failed(tonic::Status),
}

/// Ends a stream that has not finished sending its request: after an answer sent early (an
/// error), RST_STREAM with NO_ERROR tells the client to stop sending, as gRPC servers do.
pub fn stop_receiving(out: &mut Vec<u8>, id: u32) {
    frame::put_reset(out, id, frame::error::NO_ERROR);
}

/// Whether a HEADERS or DATA frame ends the client's side of its stream.
pub fn ends_stream(head: &frame::Head) -> bool {
    head.has(flag::END_STREAM)
}

#[cfg(test)]
mod tests;
