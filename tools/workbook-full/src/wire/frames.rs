//! Lesson 02's frames: a 4-byte big-endian length, then that many bytes of JSON
//! (`{"id":1,"method":"hello.HelloWorld","params":"gopher"}`), as `lessons/02-rpc/src/frame.rs`
//! writes them. Over HTTP the same frames follow an HTTP head (`CONNECT /_rpc_ HTTP/1.0`,
//! and the answer `HTTP/1.0 200 Connected to RPC`), shown as a message of its own.

use super::lines::json_rpc_summary;
use super::message::{
    Decode, Direction, MAX_MESSAGE, Message, Pending, Step, find, json_member_spans, pretty_json,
    printable,
};

/// The size of the length prefix.
const PREFIX: usize = 4;

/// The longest HTTP head waited for.
const MAX_HEAD: usize = 8 * 1024;

#[derive(Default)]
pub struct Frames {
    sides: [Side; 2],
}

#[derive(Default)]
struct Side {
    pending: Pending,
    /// Frames (not an HTTP head) have started on this side.
    framing: bool,
}

impl Decode for Frames {
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        let Side { pending, framing } = &mut self.sides[direction.index()];
        pending.feed(direction, bytes, out, |buffer| {
            if !*framing && looks_like_http(buffer) {
                // An HTTP head first: up to its blank line.
                let end = find(buffer, b"\r\n\r\n").map(|at| at + 4);
                let end = end.or_else(|| find(buffer, b"\n\n").map(|at| at + 2));
                return match end {
                    Some(end) => {
                        *framing = true;
                        Step::Whole(end, http_head(direction, &buffer[..end]))
                    }
                    None if buffer.len() > MAX_HEAD => {
                        Step::Lost(format!("an HTTP head of more than {MAX_HEAD} bytes"))
                    }
                    None => Step::NeedMore,
                };
            }
            if buffer.len() < PREFIX {
                return Step::NeedMore;
            }
            *framing = true;
            let len = u32::from_be_bytes([buffer[0], buffer[1], buffer[2], buffer[3]]) as usize;
            if len > MAX_MESSAGE {
                return Step::Lost(format!(
                    "the length prefix says {len} bytes, over the limit of {MAX_MESSAGE}: \
                     not a frame (the rest of this side is not decoded)"
                ));
            }
            if buffer.len() < PREFIX + len {
                return Step::NeedMore;
            }
            Step::Whole(
                PREFIX + len,
                frame_message(direction, &buffer[..PREFIX + len]),
            )
        });
    }

    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>) {
        self.sides[direction.index()]
            .pending
            .leftover(direction, "a frame", out);
    }
}

/// Whether a side starts with an HTTP request or status line rather than a length.
fn looks_like_http(buffer: &[u8]) -> bool {
    ["CONNECT ", "GET ", "POST ", "HTTP/"].iter().any(|start| {
        buffer.starts_with(start.as_bytes())
            || start.as_bytes().starts_with(buffer) && !buffer.is_empty()
    })
}

fn http_head(direction: Direction, head: &[u8]) -> Message {
    let text = String::from_utf8_lossy(head);
    let first = text.lines().next().unwrap_or_default().to_string();
    let mut message =
        Message::new(direction, head, format!("HTTP: {first}")).with_decoded(text.trim_end());
    message.span(0, first.len(), "the HTTP request or status line");
    message.span(
        first.len(),
        head.len(),
        "end of the HTTP head: from here on, frames",
    );
    message
}

/// One whole frame: its length and its JSON.
fn frame_message(direction: Direction, frame: &[u8]) -> Message {
    let payload = &frame[PREFIX..];
    let mut message = Message::new(direction, frame, "");
    message.span(
        0,
        PREFIX,
        format!("length = {} (4 bytes, big-endian)", payload.len()),
    );
    match serde_json::from_slice::<serde_json::Value>(payload) {
        Ok(value) => {
            message.summary = format!(
                "frame of {} bytes: {}",
                payload.len(),
                json_rpc_summary(&value, payload)
            );
            json_member_spans(payload, PREFIX, &mut message);
            message.decoded = pretty_json(payload);
        }
        Err(error) => {
            message.broken = true;
            message.summary = format!(
                "frame of {} bytes, not JSON ({error}): {}",
                payload.len(),
                printable(payload, 60)
            );
            message.span(PREFIX, frame.len(), "payload");
        }
    }
    message
}

#[cfg(test)]
mod tests;
