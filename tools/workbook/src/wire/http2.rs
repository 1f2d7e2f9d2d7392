//! HTTP/2, as gRPC uses it (lessons 05–08): every frame, decoded.
//!
//! A connection opens with the client's 24-byte preface (`PRI * HTTP/2.0…`); after it, both
//! sides send frames, each behind a 9-byte header:
//!
//! ```text
//! ┌───────────────┬────────┬────────┬─┬─────────────────────┬──────────────┐
//! │ length: 24 bit│ type: 8│ flags: 8│R│ stream id: 31 bit   │ payload …    │
//! └───────────────┴────────┴────────┴─┴─────────────────────┴──────────────┘
//! ```
//!
//! The header is parsed here by hand (it is small, and `h2` keeps its parser private and
//! drops frames it finds broken, which is exactly what the view must show). HEADERS go
//! through HPACK (`hpack.rs`); DATA carries gRPC messages (`grpc.rs`), decoded with the
//! types of the method the stream's HEADERS named.

use std::collections::HashMap;

use super::grpc;
use super::hpack::HeaderDecoder;
use super::message::hex;
use super::message::{Decode, Direction, MAX_MESSAGE, Message, Pending};
use super::protobuf;

mod frame;

use frame::{HEADER, error_name, flag_names, frame_header, percent_decoded, setting_name, u32_at};

/// What a client sends first.
pub const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// How many streams' methods and half-read bodies are remembered.
const MAX_STREAMS: usize = 1024;

pub struct Http2 {
    sides: [Side; 2],
    /// Each stream's gRPC path (`/hello.Greeter/SayHello`), from the client's HEADERS.
    paths: HashMap<u32, String>,
}

struct Side {
    pending: Pending,
    /// The preface is still to come (the client's side only).
    preface: bool,
    headers: HeaderDecoder,
    /// The header table failed: later header blocks cannot be read.
    headers_broken: bool,
    /// A header block waiting for its CONTINUATION frames: the stream and the fragments.
    open_block: Option<(u32, Vec<u8>)>,
    /// Per stream, the bytes of a gRPC message begun in an earlier DATA frame.
    bodies: HashMap<u32, Vec<u8>>,
    /// Bytes still to pass of a frame too large to show.
    skip: usize,
}

impl Side {
    fn new(preface: bool) -> Side {
        Side {
            pending: Pending::default(),
            preface,
            headers: HeaderDecoder::new(),
            headers_broken: false,
            open_block: None,
            bodies: HashMap::new(),
            skip: 0,
        }
    }
}

impl Default for Http2 {
    fn default() -> Http2 {
        Http2 {
            sides: [Side::new(true), Side::new(false)],
            paths: HashMap::new(),
        }
    }
}

impl Decode for Http2 {
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        let side = &mut self.sides[direction.index()];
        if side.pending.lost {
            return Pending::raw(direction, bytes, out);
        }
        let skipped = side.skip.min(bytes.len());
        side.skip -= skipped;
        side.pending.bytes.extend_from_slice(&bytes[skipped..]);
        if side.preface {
            let buffer = &side.pending.bytes;
            let seen = buffer.len().min(PREFACE.len());
            if buffer[..seen] != PREFACE[..seen] {
                let why = "not HTTP/2: a client starts with the preface `PRI * HTTP/2.0…` \
                           (the rest of this side is not decoded)";
                return side.pending.lose(direction, why.into(), out);
            }
            if seen < PREFACE.len() {
                return;
            }
            side.pending.bytes.drain(..PREFACE.len());
            side.preface = false;
            let mut message =
                Message::new(direction, PREFACE, "connection preface: PRI * HTTP/2.0");
            message.span(
                0,
                PREFACE.len(),
                "the client's preface: this connection speaks HTTP/2",
            );
            out.push(message);
        }
        loop {
            let side = &mut self.sides[direction.index()];
            let buffer = &side.pending.bytes;
            if buffer.len() < HEADER {
                return;
            }
            let len =
                usize::from(buffer[0]) << 16 | usize::from(buffer[1]) << 8 | usize::from(buffer[2]);
            if len > MAX_MESSAGE {
                // Too large to hold: show its header, pass over its payload, stay in step.
                let header: Vec<u8> = side.pending.bytes.drain(..HEADER).collect();
                let passed = len.min(side.pending.bytes.len());
                side.pending.bytes.drain(..passed);
                side.skip = len - passed;
                let mut message = Message::new(direction, &header, "");
                let (name, stream) = frame_header(&header, &mut message);
                message.summary = format!("{name} stream {stream}, {len} bytes: too large to show");
                out.push(message);
                continue;
            }
            if buffer.len() < HEADER + len {
                return;
            }
            let frame: Vec<u8> = side.pending.bytes.drain(..HEADER + len).collect();
            let message = self.frame(direction, &frame);
            out.push(message);
        }
    }

    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>) {
        self.sides[direction.index()]
            .pending
            .leftover(direction, "a frame", out);
    }
}

impl Http2 {
    /// Decodes one whole frame.
    fn frame(&mut self, direction: Direction, frame: &[u8]) -> Message {
        let mut message = Message::new(direction, frame, "");
        let (name, stream) = frame_header(frame, &mut message);
        let (frame_type, flags) = (frame[3], frame[4]);
        let payload = &frame[HEADER..];
        let flag_text = flag_names(frame_type, flags)
            .iter()
            .map(|f| format!(", {f}"))
            .collect::<String>();
        let mut summary = format!("{name} stream {stream}{flag_text}");
        let fixed = |size: usize| payload.len() == size;
        let detail = match frame_type {
            0 => self.data(direction, stream, flags, frame, &mut message),
            1 | 9 => self.headers(direction, stream, frame_type, flags, frame, &mut message),
            2 if fixed(5) => Ok("priority".into()),
            3 if fixed(4) => {
                message.span(9, 13, "error code");
                self.forget(stream);
                Ok(error_name(u32_at(payload, 0)))
            }
            4 if flags & 1 != 0 && payload.is_empty() => Ok(String::new()),
            4 if payload.len().is_multiple_of(6) => {
                let mut settings = Vec::new();
                for (index, entry) in payload.chunks(6).enumerate() {
                    let id = u16::from_be_bytes([entry[0], entry[1]]);
                    let text = format!("{} = {}", setting_name(id), u32_at(entry, 2));
                    message.span(9 + index * 6, 15 + index * 6, text.clone());
                    settings.push(text);
                }
                Ok(settings.join(", "))
            }
            6 if fixed(8) => {
                message.span(9, 17, "opaque data, echoed in the ACK");
                Ok(hex(payload))
            }
            7 if payload.len() >= 8 => {
                message.span(9, 13, "last stream id");
                message.span(13, 17, "error code");
                let mut text = format!(
                    "last stream {}, {}",
                    u32_at(payload, 0) & 0x7fff_ffff,
                    error_name(u32_at(payload, 4))
                );
                if payload.len() > 8 {
                    message.span(17, frame.len(), "debug data");
                    text.push_str(&format!(": {}", String::from_utf8_lossy(&payload[8..])));
                }
                Ok(text)
            }
            8 if fixed(4) => {
                message.span(9, 13, "window size increment");
                Ok(format!("+{} bytes", u32_at(payload, 0) & 0x7fff_ffff))
            }
            2..=8 => Err(format!(
                "a {name} frame cannot have a payload of {} bytes",
                payload.len()
            )),
            _ => Ok(format!(
                "{} bytes (a receiver ignores frame types it does not know)",
                payload.len()
            )),
        };
        match detail {
            Ok(detail) if !detail.is_empty() => summary = format!("{summary}: {detail}"),
            Ok(_) => {}
            Err(why) => {
                message.broken = true;
                summary = format!("{summary}: broken: {why}");
            }
        }
        message.summary = summary;
        message
    }

    /// The payload of a DATA frame: gRPC messages.
    fn data(
        &mut self,
        direction: Direction,
        stream: u32,
        flags: u8,
        frame: &[u8],
        message: &mut Message,
    ) -> Result<String, String> {
        let (start, end) = unpad(frame, flags, message)?;
        let schema = self
            .paths
            .get(&stream)
            .and_then(|path| protobuf::method_types(path))
            .map(|(request, reply)| match direction {
                Direction::ToServer => request,
                Direction::ToClient => reply,
            });
        let side = &mut self.sides[direction.index()];
        if side.bodies.len() >= MAX_STREAMS {
            side.bodies.clear();
        }
        let carry = side.bodies.entry(stream).or_default();
        let summaries =
            grpc::read_messages(carry, &frame[start..end], start, schema.as_ref(), message);
        if flags & 1 != 0 || carry.is_empty() {
            side.bodies.remove(&stream);
        }
        Ok(format!(
            "{} bytes{}",
            end - start,
            summaries
                .iter()
                .map(|s| format!("; {s}"))
                .collect::<String>()
        ))
    }

    /// HEADERS and CONTINUATION: a header block, decoded once all of it is there.
    fn headers(
        &mut self,
        direction: Direction,
        stream: u32,
        frame_type: u8,
        flags: u8,
        frame: &[u8],
        message: &mut Message,
    ) -> Result<String, String> {
        let side = &mut self.sides[direction.index()];
        let (mut start, end) = if frame_type == 1 {
            unpad(frame, flags, message)?
        } else {
            (HEADER, frame.len())
        };
        if frame_type == 1 && flags & 0x20 != 0 {
            message.span(start, start + 5, "priority: stream dependency and weight");
            start += 5;
        }
        let fragment = frame
            .get(start..end)
            .ok_or("a priority longer than the frame")?;
        let whole_in_this_frame = frame_type == 1 && side.open_block.is_none();
        let block = match side.open_block.take() {
            Some((open, mut block)) if open == stream && frame_type == 9 => {
                block.extend_from_slice(fragment);
                block
            }
            Some(_) => return Err(
                "a header block was left unfinished: CONTINUATION must follow on the same stream"
                    .into(),
            ),
            None if frame_type == 9 => {
                return Err("a CONTINUATION with no header block open".into());
            }
            None => fragment.to_vec(),
        };
        if flags & 0x4 == 0 {
            if block.len() > MAX_MESSAGE {
                return Err("a header block over the limit".into());
            }
            side.open_block = Some((stream, block));
            return Ok("the header block goes on in a CONTINUATION frame".into());
        }
        if side.headers_broken {
            return Err(
                "the header table broke earlier on this side: headers cannot be read".into(),
            );
        }
        // Spans point into this frame only when the whole block is in it.
        let mut elsewhere = Message::default();
        let target = if whole_in_this_frame {
            &mut *message
        } else {
            &mut elsewhere
        };
        let decoded = side.headers.decode(&block, start, target);
        side.headers_broken = decoded.is_err();
        let headers = decoded?;
        let lines: Vec<String> = headers
            .iter()
            .map(|h| format!("{}: {}", h.name, h.value))
            .collect();
        message.decoded = Some(lines.join("\n"));
        let get = |name: &str| {
            headers
                .iter()
                .find(|h| h.name == name)
                .map(|h| h.value.as_str())
        };
        if let Some(path) = get(":path") {
            if self.paths.len() >= MAX_STREAMS {
                self.paths.clear();
            }
            self.paths.insert(stream, path.to_string());
        }
        let shown = match (
            get(":method"),
            get(":path"),
            get(":status"),
            get("grpc-status"),
        ) {
            (Some(method), Some(path), _, _) => format!("{method} {path}"),
            (_, _, Some(status), None) => format!(":status {status}"),
            (_, _, status, Some(grpc)) => {
                self.forget(stream);
                let message = get("grpc-message")
                    .map(|m| format!(": {}", percent_decoded(m)))
                    .unwrap_or_default();
                let status = status.map(|s| format!(":status {s}, ")).unwrap_or_default();
                format!("{status}trailers: grpc-status {grpc}{message}")
            }
            _ => format!("{} headers", headers.len()),
        };
        Ok(shown)
    }

    /// A stream has ended: its path is no longer needed.
    fn forget(&mut self, stream: u32) {
        self.paths.remove(&stream);
    }
}

/// The payload's range without its padding (PADDED: a pad length byte, then padding at
/// the end).
fn unpad(frame: &[u8], flags: u8, message: &mut Message) -> Result<(usize, usize), String> {
    if flags & 0x8 == 0 {
        return Ok((HEADER, frame.len()));
    }
    let pad = usize::from(*frame.get(HEADER).ok_or("PADDED, but no pad length")?);
    if HEADER + 1 + pad > frame.len() {
        return Err(format!("{pad} bytes of padding do not fit in the frame"));
    }
    message.span(HEADER, HEADER + 1, format!("pad length = {pad}"));
    if pad > 0 {
        message.span(frame.len() - pad, frame.len(), "padding");
    }
    Ok((HEADER + 1, frame.len() - pad))
}

#[cfg(test)]
mod tests;
