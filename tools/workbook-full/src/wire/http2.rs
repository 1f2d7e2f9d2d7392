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
//! Frames are read with `http2`, the course's own HTTP/2 (`h2` keeps its parser
//! private and drops frames it finds broken, which is exactly what the view must show).
//! HEADERS go through HPACK (`hpack.rs`); DATA carries gRPC messages (`grpc.rs`), decoded
//! with the types of the method the stream's HEADERS named.

use std::collections::HashMap;

use http2::frame::{self, HEADER_LEN as HEADER, Head, PREFACE, flag, kind, setting};
use shared::grpc::message::percent_decode;

use super::grpc;
use super::hpack::HeaderDecoder;
use super::message::hex;
use super::message::{Decode, Direction, MAX_MESSAGE, Message, Pending};
use super::protobuf;

mod names;

use names::{error_name, frame_header, setting_name, type_name};

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
            headers: HeaderDecoder::default(),
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
            let head = Head::parse(buffer[..HEADER].try_into().expect("9 bytes"));
            let len = head.len;
            if len > MAX_MESSAGE {
                // Too large to hold: show its header, pass over its payload, stay in step.
                let header: Vec<u8> = side.pending.bytes.drain(..HEADER).collect();
                let passed = len.min(side.pending.bytes.len());
                side.pending.bytes.drain(..passed);
                side.skip = len - passed;
                let mut message = Message::new(direction, &header, "");
                frame_header(&head, &mut message);
                let (name, stream) = (type_name(head.kind), head.stream);
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
        let head = Head::parse(frame[..HEADER].try_into().expect("9 bytes"));
        frame_header(&head, &mut message);
        let (name, stream, frame_type, flags) =
            (type_name(head.kind), head.stream, head.kind, head.flags);
        let payload = &frame[HEADER..];
        let flag_text = flag::names(frame_type, flags)
            .map(|f| format!(", {f}"))
            .collect::<String>();
        let mut summary = format!("{name} stream {stream}{flag_text}");
        let fixed = |size: usize| payload.len() == size;
        let u32_at = |at: usize| frame::u32_at(payload, at).unwrap_or_default();
        let detail = match frame_type {
            kind::DATA => self.data(direction, stream, flags, frame, &mut message),
            kind::HEADERS | kind::CONTINUATION => {
                self.headers(direction, stream, frame_type, flags, frame, &mut message)
            }
            kind::PRIORITY if fixed(5) => Ok("priority".into()),
            kind::RST_STREAM if fixed(4) => {
                message.span(9, 13, "error code");
                self.forget(stream);
                Ok(error_name(u32_at(0)))
            }
            kind::SETTINGS if flags & flag::ACK != 0 && payload.is_empty() => Ok(String::new()),
            kind::SETTINGS if payload.len().is_multiple_of(6) => {
                let mut shown = Vec::new();
                let settings = frame::settings(payload).into_iter().flatten();
                for (index, (id, value)) in settings.enumerate() {
                    if id == setting::HEADER_TABLE_SIZE {
                        // The other side's header blocks may now use a table this large.
                        self.sides[1 - direction.index()]
                            .headers
                            .allow(value as usize);
                    }
                    let text = format!("{} = {value}", setting_name(id));
                    message.span(9 + index * 6, 15 + index * 6, text.clone());
                    shown.push(text);
                }
                Ok(shown.join(", "))
            }
            kind::PING if fixed(8) => {
                message.span(9, 17, "opaque data, echoed in the ACK");
                Ok(hex(payload))
            }
            kind::GOAWAY if payload.len() >= 8 => {
                message.span(9, 13, "last stream id");
                message.span(13, 17, "error code");
                let mut text = format!(
                    "last stream {}, {}",
                    u32_at(0) & frame::MAX_WINDOW,
                    error_name(u32_at(4))
                );
                if payload.len() > 8 {
                    message.span(17, frame.len(), "debug data");
                    text.push_str(&format!(": {}", String::from_utf8_lossy(&payload[8..])));
                }
                Ok(text)
            }
            kind::WINDOW_UPDATE if fixed(4) => {
                message.span(9, 13, "window size increment");
                Ok(format!("+{} bytes", u32_at(0) & frame::MAX_WINDOW))
            }
            kind::PRIORITY..=kind::WINDOW_UPDATE => Err(format!(
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
        if flags & flag::END_STREAM != 0 || carry.is_empty() {
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
        let (mut start, end) = if frame_type == kind::HEADERS {
            unpad(frame, flags, message)?
        } else {
            (HEADER, frame.len())
        };
        if frame_type == kind::HEADERS && flags & flag::PRIORITY != 0 {
            message.span(start, start + 5, "priority: stream dependency and weight");
            start += 5;
        }
        let fragment = frame
            .get(start..end)
            .ok_or("a priority longer than the frame")?;
        let whole_in_this_frame = frame_type == kind::HEADERS && side.open_block.is_none();
        let block = match side.open_block.take() {
            Some((open, mut block)) if open == stream && frame_type == kind::CONTINUATION => {
                block.extend_from_slice(fragment);
                block
            }
            Some(_) => return Err(
                "a header block was left unfinished: CONTINUATION must follow on the same stream"
                    .into(),
            ),
            None if frame_type == kind::CONTINUATION => {
                return Err("a CONTINUATION with no header block open".into());
            }
            None => fragment.to_vec(),
        };
        if flags & flag::END_HEADERS == 0 {
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
                    .map(|m| format!(": {}", percent_decode(m.as_bytes())))
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
    if flags & flag::PADDED == 0 {
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
