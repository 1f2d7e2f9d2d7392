//! The frames that keep an HTTP/2 connection going rather than carry a call: SETTINGS,
//! PING, WINDOW_UPDATE, RST_STREAM, PRIORITY and GOAWAY, and the flow control of what the
//! server sends.
//!
//! Flow control is the part that needs care. The client announces how many bytes it can
//! take, per stream (SETTINGS_INITIAL_WINDOW_SIZE, then WINDOW_UPDATE on the stream) and
//! for the whole connection (WINDOW_UPDATE on stream 0); the server sends DATA only within
//! both, and a reply that does not fit waits in its stream until a WINDOW_UPDATE comes
//! (`streams.rs`). In the other direction the server reopens the connection's window as it
//! reads, in one WINDOW_UPDATE per half window rather than one per frame.

use std::task::{Context, Poll};

use http2::frame::{self, Head, error, flag, kind, setting};
use proto::hello::greeter_server::Greeter;

use super::calls;
use super::connection::{
    CONNECTION_WINDOW, Connection, ConnectionError, DRAIN_PING, Drain, Handled, frame_size_error,
    protocol_error,
};
use super::reply;
use super::states::{Closed, State};
use super::streams::{Phase, Produced};

impl<G: Greeter> Connection<G> {
    pub(super) fn on_settings(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream != 0 {
            return Err(protocol_error("SETTINGS on a stream"));
        }
        if head.has(flag::ACK) {
            return match payload.is_empty() {
                true => Ok(()),
                false => Err(frame_size_error("SETTINGS ACK with a payload")),
            };
        }
        let settings =
            frame::settings(payload).ok_or_else(|| frame_size_error("SETTINGS of a bad length"))?;
        for (id, value) in settings {
            match id {
                setting::INITIAL_WINDOW_SIZE => {
                    if value > frame::MAX_WINDOW {
                        let why = "INITIAL_WINDOW_SIZE over 2^31-1";
                        return Err(ConnectionError::new(error::FLOW_CONTROL_ERROR, why));
                    }
                    // Every open stream's window moves by the change (section 6.9.2).
                    let change = i64::from(value) - self.stream_send_window;
                    self.stream_send_window = i64::from(value);
                    self.streams
                        .iter_mut()
                        .for_each(|s| s.send_window += change);
                }
                // Push is a server's to offer; the client says 0 or 1, nothing else (6.5.2).
                setting::ENABLE_PUSH if value > 1 => {
                    return Err(protocol_error("ENABLE_PUSH other than 0 or 1"));
                }
                setting::MAX_FRAME_SIZE => {
                    if !(frame::DEFAULT_MAX_FRAME as u32..1 << 24).contains(&value) {
                        return Err(protocol_error("MAX_FRAME_SIZE out of range"));
                    }
                    self.max_frame = value as usize;
                }
                // The header table size limits a table we never ask the client to fill;
                // the rest do not concern a server.
                _ => {}
            }
        }
        frame::put(&mut self.out, kind::SETTINGS, flag::ACK, 0, &[]);
        self.flush_all();
        Ok(())
    }

    pub(super) fn on_ping(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream != 0 {
            return Err(protocol_error("PING on a stream"));
        }
        if payload.len() != 8 {
            return Err(frame_size_error("a PING is 8 bytes"));
        }
        if !head.has(flag::ACK) {
            frame::put(&mut self.out, kind::PING, flag::ACK, 0, payload);
        } else if payload == DRAIN_PING && self.drain == Drain::Announced {
            // The client has read our first GOAWAY: every stream it opened before is in.
            self.finish_draining();
        }
        Ok(())
    }

    pub(super) fn on_window_update(&mut self, head: Head, payload: &[u8]) -> Handled {
        let increment = match (payload.len(), frame::u32_at(payload, 0)) {
            (4, Some(value)) => i64::from(value & frame::MAX_WINDOW),
            _ => {
                return Err(frame_size_error("a WINDOW_UPDATE is 4 bytes"));
            }
        };
        // Section 6.9: an increment of 0, or a window past 2^31-1, is an error of the
        // window it names: the connection's (stream 0) or one stream's.
        let max = i64::from(frame::MAX_WINDOW);
        if head.stream == 0 {
            if increment == 0 {
                return Err(protocol_error("a WINDOW_UPDATE of 0"));
            }
            self.send_window += increment;
            if self.send_window > max {
                let why = "window over 2^31-1";
                return Err(ConnectionError::new(error::FLOW_CONTROL_ERROR, why));
            }
            self.flush_all();
            return Ok(());
        }
        let at = match self.state(head.stream) {
            State::Open(at) => at,
            State::Idle => return Err(protocol_error("WINDOW_UPDATE on an idle stream")),
            State::Closed(how) => {
                return self.on_closed_stream(kind::WINDOW_UPDATE, head.stream, how);
            }
        };
        if increment == 0 {
            self.reset(head.stream, error::PROTOCOL_ERROR);
            return Ok(());
        }
        self.streams[at].send_window += increment;
        if self.streams[at].send_window > max {
            self.reset(head.stream, error::FLOW_CONTROL_ERROR);
            return Ok(());
        }
        self.flush_stream(at);
        Ok(())
    }

    pub(super) fn on_reset(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream == 0 {
            return Err(protocol_error("RST_STREAM on stream 0"));
        }
        if payload.len() != 4 {
            return Err(frame_size_error("an RST_STREAM is 4 bytes"));
        }
        match self.state(head.stream) {
            State::Idle => return Err(protocol_error("RST_STREAM on an idle stream")),
            State::Open(at) => drop(self.close(at, Closed::ResetByClient)),
            // Never an RST_STREAM in answer to one (section 5.4.2), but what the client
            // sends on this stream from now on is an error.
            State::Closed(_) => self.closed.record(head.stream, Closed::ResetByClient),
        }
        Ok(())
    }

    /// PRIORITY (section 6.3): advice on the order of streams, which a server may ignore,
    /// but which must still be well-formed. It may name a stream in any state.
    pub(super) fn on_priority(&mut self, head: Head, payload: &[u8]) -> Handled {
        if head.stream == 0 {
            return Err(protocol_error("PRIORITY on stream 0"));
        }
        if payload.len() != 5 {
            self.reset(head.stream, error::FRAME_SIZE_ERROR);
        } else if frame::u32_at(payload, 0).map(|id| id & frame::MAX_WINDOW) == Some(head.stream) {
            // A stream cannot depend on itself (RFC 7540, section 5.3.1).
            self.reset(head.stream, error::PROTOCOL_ERROR);
        }
        Ok(())
    }

    /// GOAWAY from the client (section 6.8): it opens no more streams; those open are
    /// finished, then the connection ends.
    pub(super) fn on_goaway(&mut self, head: Head) -> Handled {
        if head.stream != 0 {
            return Err(protocol_error("GOAWAY on a stream"));
        }
        self.drain = Drain::Closing;
        Ok(())
    }

    /// The server's health changed: every health `Watch` hears of it.
    pub fn health_changed(&mut self) {
        for stream in &mut self.streams {
            if let Phase::Watching(service) = &stream.phase {
                stream.queue(&calls::health_message(calls::health(service, self.serving)));
            }
        }
        self.flush_all();
    }

    /// DATA received counts against the connection's window; it is reopened once half of
    /// it is used, in one WINDOW_UPDATE rather than one per frame.
    pub(super) fn count_received(&mut self, len: usize) {
        self.unacknowledged += len as u32;
        if self.unacknowledged >= CONNECTION_WINDOW / 2 {
            frame::put_window_update(&mut self.out, 0, self.unacknowledged);
            self.unacknowledged = 0;
        }
    }

    pub(super) fn flush_stream(&mut self, at: usize) {
        let stream = &mut self.streams[at];
        if stream.flush(&mut self.out, &mut self.send_window, self.max_frame) {
            self.close(at, Closed::Ended);
        }
    }

    pub(super) fn flush_all(&mut self) {
        let mut at = 0;
        while at < self.streams.len() {
            let before = self.streams.len();
            if self.streams[at].has_queued() {
                self.flush_stream(at);
            }
            if self.streams.len() == before {
                at += 1;
            }
        }
    }

    /// Whether a server stream could send messages now.
    pub(super) fn wants_messages(&self) -> bool {
        let window = self.send_window;
        self.streams
            .iter()
            .any(|stream| stream.wants_messages(window))
    }

    /// Makes the next messages of every server stream that has room, and queues them.
    /// `Pending` while none of them has a message ready.
    pub(super) fn poll_messages(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut progress = false;
        let mut at = 0;
        while at < self.streams.len() {
            let stream = &mut self.streams[at];
            if stream.wants_messages(self.send_window)
                && let Poll::Ready(produced) = stream.poll_messages(cx)
            {
                progress = true;
                if let Produced::Failed(status) = produced {
                    let stream = self.close(at, Closed::Ended);
                    reply::put_error_trailers(
                        &mut self.out,
                        stream.id,
                        status.code(),
                        status.message(),
                    );
                    continue;
                }
                let before = self.streams.len();
                self.flush_stream(at);
                if self.streams.len() < before {
                    continue;
                }
            }
            at += 1;
        }
        if progress {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
