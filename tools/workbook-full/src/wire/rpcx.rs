//! rpcx's frames (lesson 13): a 12-byte header — magic `0x08`, version, a flags byte, the
//! serialize type in the high nibble of byte 3, a big-endian `u64` sequence number — then a
//! `u32` total length and four length-prefixed sections: service path, method, metadata
//! (key, value, key, value …) and payload. rpcx v1.6.2's `protocol/message.go`; lesson 13's
//! `message.rs` reads and writes the same.
//!
//! The view names every field, reads the metadata, and shows a MsgPack or JSON payload as
//! JSON; a protobuf payload, or a gzip-compressed one, is shown as bytes.

use super::message::{Decode, Direction, MAX_MESSAGE, Message, Pending, Step, printable};

/// The header, and the total length after it.
const HEAD: usize = 16;

#[derive(Default)]
pub struct Rpcx {
    sides: [Pending; 2],
}

impl Decode for Rpcx {
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        self.sides[direction.index()].feed(direction, bytes, out, |buffer| {
            match buffer.first() {
                None => return Step::NeedMore,
                Some(&0x08) => {}
                Some(&other) => {
                    return Step::Lost(format!(
                        "wrong magic number {other:#04x}: an rpcx frame starts with 0x08"
                    ));
                }
            }
            if buffer.len() < HEAD {
                return Step::NeedMore;
            }
            let total = u32::from_be_bytes([buffer[12], buffer[13], buffer[14], buffer[15]]);
            let end = HEAD + total as usize;
            if end > MAX_MESSAGE {
                return Step::Lost(format!(
                    "the total length says {total} bytes, over the limit of {MAX_MESSAGE}"
                ));
            }
            if buffer.len() < end {
                return Step::NeedMore;
            }
            Step::Whole(end, frame_message(direction, &buffer[..end]))
        });
    }

    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>) {
        self.sides[direction.index()].leftover(direction, "an rpcx frame", out);
    }
}

const SERIALIZE: [&str; 5] = ["raw bytes", "JSON", "protobuf", "MsgPack", "Thrift"];

/// The flags byte, in words: `response, heartbeat, gzip, error`.
fn flags(byte: u8) -> String {
    let mut words = vec![if byte & 0x80 != 0 {
        "response"
    } else {
        "request"
    }];
    for (bit, word) in [(0x40, "heartbeat"), (0x20, "oneway"), (0x01, "error")] {
        if byte & bit != 0 {
            words.push(word);
        }
    }
    match (byte & 0x1C) >> 2 {
        0 => {}
        1 => words.push("gzip"),
        _ => words.push("unknown compression"),
    }
    words.join(", ")
}

/// One whole frame: its header's fields, its sections, its payload.
fn frame_message(direction: Direction, frame: &[u8]) -> Message {
    let mut message = Message::new(direction, frame, "");
    let seq = u64::from_be_bytes(frame[4..12].try_into().expect("8 bytes"));
    let serialize = SERIALIZE
        .get(usize::from(frame[3] >> 4))
        .copied()
        .unwrap_or("unknown");
    message.span(0, 1, "magic number 0x08");
    message.span(1, 2, format!("version {}", frame[1]));
    message.span(
        2,
        3,
        format!("flags {:#04x}: {}", frame[2], flags(frame[2])),
    );
    message.span(
        3,
        4,
        format!("serialize type {}: {serialize}", frame[3] >> 4),
    );
    message.span(4, 12, format!("seq = {seq} (8 bytes, big-endian)"));
    message.span(12, HEAD, format!("total length = {}", frame.len() - HEAD));

    // The four sections, each a length and its bytes; a length past the end breaks it.
    let mut sections: Vec<&[u8]> = Vec::new();
    let mut at = HEAD;
    for name in ["service path", "method", "metadata", "payload"] {
        let Some(length) = frame.get(at..at + 4) else {
            return broken(
                message,
                format!("the frame ends before the {name}'s length"),
            );
        };
        let length = u32::from_be_bytes(length.try_into().expect("4 bytes")) as usize;
        let Some(section) = frame.get(at + 4..at + 4 + length) else {
            return broken(
                message,
                format!("the {name} says {length} bytes, past the frame's end"),
            );
        };
        message.span(at, at + 4, format!("{name} length = {length}"));
        if length > 0 {
            message.span(at + 4, at + 4 + length, name);
        }
        sections.push(section);
        at += 4 + length;
    }
    let [path, method, metadata, payload] = sections[..] else {
        unreachable!("four sections")
    };
    let call = format!(
        "{}.{}",
        String::from_utf8_lossy(path),
        String::from_utf8_lossy(method)
    );
    let pairs = metadata_pairs(metadata);
    let gzip = (frame[2] & 0x1C) >> 2 == 1;
    let shown = if gzip {
        None
    } else {
        payload_json(frame[3] >> 4, payload)
    };
    let error = pairs
        .iter()
        .find(|(key, _)| key == "__rpcx_error__")
        .map(|(_, value)| value);

    let what = flags(frame[2]);
    let mut summary = match (frame[2] & 0x40 != 0, error) {
        (true, _) => format!("{what}, seq {seq}"),
        (false, Some(error)) => format!("{what}, seq {seq}: {call} failed: {error}"),
        (false, None) => format!("{what}, seq {seq}: {call}"),
    };
    match &shown {
        Some(json) if error.is_none() => summary.push_str(&format!(" {json}")),
        _ if gzip => summary.push_str(&format!(" ({} bytes of gzip)", payload.len())),
        _ if error.is_none() && !payload.is_empty() => {
            summary.push_str(&format!(" ({serialize}: {})", printable(payload, 40)));
        }
        _ => {}
    }
    message.summary = summary;
    let mut decoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key} = {value}"))
        .collect();
    decoded.extend(shown);
    if !decoded.is_empty() {
        message.decoded = Some(decoded.join("\n"));
    }
    message
}

fn broken(mut message: Message, why: String) -> Message {
    message.broken = true;
    message.summary = format!("not an rpcx frame: {why}");
    message
}

/// Key/value pairs, each a length-prefixed string; stops at the first that does not fit.
fn metadata_pairs(mut rest: &[u8]) -> Vec<(String, String)> {
    let mut strings = Vec::new();
    while let Some((length, after)) = rest.split_first_chunk::<4>() {
        let length = u32::from_be_bytes(*length) as usize;
        let Some(text) = after.get(..length) else {
            break;
        };
        strings.push(String::from_utf8_lossy(text).into_owned());
        rest = &after[length..];
    }
    strings
        .chunks_exact(2)
        .map(|pair| (pair[0].clone(), pair[1].clone()))
        .collect()
}

/// A MsgPack or JSON payload as one line of JSON.
fn payload_json(serialize: u8, payload: &[u8]) -> Option<String> {
    let value: serde_json::Value = match serialize {
        1 => serde_json::from_slice(payload).ok()?,
        3 => rmp_serde::from_slice(payload).ok()?,
        _ => return None,
    };
    Some(value.to_string())
}

#[cfg(test)]
mod tests;
