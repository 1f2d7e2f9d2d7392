//! Where each stream is in its life, and what a frame may do to it there (RFC 9113,
//! section 5.1).
//!
//! A client's stream starts *idle* (a number it has not used yet), is *open* from its
//! HEADERS, *half-closed (remote)* once the client has sent END_STREAM and waits for its
//! answer, and *closed* when both sides are done or one has reset it. Each state allows
//! some frames and not others, and the RFC says, for each mistake, whether it costs the
//! stream (a *stream error*: RST_STREAM, the connection goes on) or the whole connection
//! (a *connection error*: GOAWAY, then the end).
//!
//! Open streams are the connection's list of calls. A closed stream is gone from that list,
//! but frames for it can still be on their way, and the RFC treats them differently by how
//! the stream closed: after *our* RST_STREAM they are ignored (the client sent them before
//! it knew), after the client's own RST_STREAM or END_STREAM they are errors (it knew).
//! So the last few hundred closed streams are remembered with how they closed; older ones
//! count as closed normally, which the RFC allows ("an endpoint MAY choose to limit the
//! period over which it ignores frames").

use std::collections::VecDeque;

use http2::frame::{self, error, kind};
use proto::hello::greeter_server::Greeter;

use super::connection::{Connection, ConnectionError, protocol_error};
use super::streams::Stream;
use shared::grpc::MAX_STREAMS_PER_CONNECTION;

/// How a closed stream closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Both sides sent END_STREAM: a call answered.
    Ended,
    /// We reset it (a refusal, or an answer sent before the request had all arrived).
    ResetByUs,
    /// The client reset it.
    ResetByClient,
}

/// Where a stream is, as a frame that names it finds it.
pub enum State {
    /// Not opened yet: its number is above every stream the client has opened.
    Idle,
    /// Open or half-closed (remote): at this index in the connection's list.
    Open(usize),
    /// Closed, and how if it closed lately; `None` also for a number the client skipped.
    Closed(Option<Closed>),
}

/// How many closed streams are remembered: two connections' worth of calls.
const REMEMBERED: usize = 2 * MAX_STREAMS_PER_CONNECTION as usize;

/// The streams that closed lately, and how; the oldest is forgotten first.
#[derive(Default)]
pub struct RecentlyClosed(VecDeque<(u32, Closed)>);

impl RecentlyClosed {
    /// Notes that stream `id` closed, or closed otherwise than noted before (the client
    /// can reset a stream we had ended): the latest note is the one read.
    pub fn record(&mut self, id: u32, how: Closed) {
        if self.0.len() == REMEMBERED {
            self.0.pop_front();
        }
        self.0.push_back((id, how));
    }

    fn how(&self, id: u32) -> Option<Closed> {
        self.0
            .iter()
            .rev()
            .find(|(closed, _)| *closed == id)
            .map(|(_, how)| *how)
    }
}

impl<G: Greeter> Connection<G> {
    /// Where stream `id` is.
    pub(super) fn state(&self, id: u32) -> State {
        if let Some(at) = self.position(id) {
            State::Open(at)
        } else if id > self.last_stream {
            State::Idle
        } else {
            State::Closed(self.closed.how(id))
        }
    }

    /// Takes the stream at `at` out of the open ones, remembering how it closed.
    pub(super) fn close(&mut self, at: usize, how: Closed) -> Stream {
        let stream = self.streams.swap_remove(at);
        self.buffered -= stream.body.len();
        self.closed.record(stream.id, how);
        stream
    }

    /// A stream error (section 5.4.2): RST_STREAM with `code` ends stream `id`, whatever
    /// state it was in, and the connection goes on.
    pub(super) fn reset(&mut self, id: u32, code: u32) {
        frame::put_reset(&mut self.out, id, code);
        if let Some(at) = self.position(id) {
            self.close(at, Closed::ResetByUs);
        }
    }

    // ANCHOR: closed
    /// A DATA, HEADERS or WINDOW_UPDATE frame for a closed stream (section 5.1, "closed"):
    /// `Ok` if it is to be ignored, after doing what the rules ask.
    pub(super) fn on_closed_stream(
        &mut self,
        kind: u8,
        id: u32,
        how: Option<Closed>,
    ) -> Result<(), ConnectionError> {
        match (how, kind) {
            // We reset it; the client sent this before it knew. Ignored, as the RFC says.
            (Some(Closed::ResetByUs), _) => Ok(()),
            // A WINDOW_UPDATE may still come for a short while after our END_STREAM.
            (Some(Closed::Ended) | None, kind::WINDOW_UPDATE) => Ok(()),
            // The client itself reset the stream: whatever it sends on it after that is a
            // stream error of type STREAM_CLOSED.
            (Some(Closed::ResetByClient), _) => {
                self.reset(id, error::STREAM_CLOSED);
                Ok(())
            }
            // DATA on a stream that is not open: a stream error of type STREAM_CLOSED
            // (section 6.1).
            (_, kind::DATA) => {
                self.reset(id, error::STREAM_CLOSED);
                Ok(())
            }
            // HEADERS after both sides ended: a connection error of type STREAM_CLOSED.
            (Some(Closed::Ended), _) => Err(ConnectionError::new(
                error::STREAM_CLOSED,
                format!("stream {id} is closed"),
            )),
            // A number the client skipped (stream numbers only grow, section 5.1.1), or a
            // stream closed too long ago to be remembered: a connection error.
            (None, _) => Err(protocol_error(format!(
                "stream {id} is below the last stream opened"
            ))),
        }
    }
    // ANCHOR_END: closed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_note_counts_and_the_oldest_go_first() {
        let mut closed = RecentlyClosed::default();
        closed.record(1, Closed::ResetByUs);
        closed.record(1, Closed::ResetByClient);
        assert_eq!(closed.how(1), Some(Closed::ResetByClient));
        for id in 0..REMEMBERED as u32 {
            closed.record(3 + 2 * id, Closed::Ended);
        }
        assert_eq!(closed.how(1), None, "forgotten");
        assert_eq!(closed.how(3), Some(Closed::Ended));
    }
}
