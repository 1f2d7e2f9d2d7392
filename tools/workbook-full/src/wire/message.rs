//! What a decoder makes of the bytes: messages, each with the byte ranges that mean
//! something (a length, an id, a field tag, an HPACK header).
//!
//! Every protocol decoder implements [`Decode`]. It is fed the bytes of one connection as
//! they cross the relay, both directions interleaved, and hands back whole messages. It
//! keeps what it needs between calls (a half-received frame, HTTP/2's header tables), always
//! within a bound: a decoder that cannot make sense of the bytes says so in a broken message
//! and shows them, it never waits for more than a message can hold.

use std::fmt::Write as _;

use serde::Serialize;

/// Which way the bytes went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// From the client to the server: `→`.
    #[serde(rename = "→")]
    ToServer,
    /// From the server back to the client: `←`.
    #[serde(rename = "←")]
    ToClient,
}

impl Direction {
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::ToServer => "→",
            Direction::ToClient => "←",
        }
    }

    /// 0 for the client's side, 1 for the server's: an index into per-side state.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A range of a message's bytes and what it means: `4..8 length = 52`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: String,
}

/// One message seen on the wire, decoded.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// `None` for a note about the connection itself (opened, closed, decoder behind).
    pub direction: Option<Direction>,
    /// One line: what it is (`DATA stream 1, 12 bytes: HelloRequest {"name (1)":"Ferris"}`).
    pub summary: String,
    /// The decoded content, several lines (headers, pretty JSON), if there is more to say.
    pub decoded: Option<String>,
    /// The message's bytes as they crossed the wire.
    pub bytes: Vec<u8>,
    /// Which bytes mean what, as offsets into `bytes`.
    pub spans: Vec<Span>,
    /// It does not follow its protocol: shown as broken, with its bytes.
    pub broken: bool,
}

impl Message {
    pub fn new(direction: Direction, bytes: &[u8], summary: impl Into<String>) -> Message {
        Message {
            direction: Some(direction),
            summary: summary.into(),
            bytes: bytes.to_vec(),
            ..Message::default()
        }
    }

    /// A note about the connection rather than bytes of it.
    pub fn note(summary: impl Into<String>) -> Message {
        Message {
            summary: summary.into(),
            ..Message::default()
        }
    }

    /// Bytes that break the protocol, and why.
    pub fn broken(direction: Direction, bytes: &[u8], why: impl Into<String>) -> Message {
        Message {
            broken: true,
            ..Message::new(direction, bytes, why)
        }
    }

    /// Adds a span, `label` for `bytes[start..end]`.
    pub fn span(&mut self, start: usize, end: usize, label: impl Into<String>) {
        self.spans.push(Span {
            start,
            end,
            label: label.into(),
        });
    }

    pub fn with_decoded(mut self, decoded: impl Into<String>) -> Message {
        self.decoded = Some(decoded.into());
        self
    }
}

/// A protocol's decoder for one connection.
pub trait Decode: Send {
    /// Bytes that went `direction`, just forwarded; whole messages go to `out`.
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>);

    /// `direction` has ended: what is left over is a message cut short.
    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>);
}

/// How many bytes of a message one side may hold while waiting for its end. A message
/// announced as larger is shown broken and the side's decoding stops.
pub const MAX_MESSAGE: usize = 1024 * 1024;

/// Bytes waiting on one side of a connection for the rest of their message.
#[derive(Debug, Default)]
pub struct Pending {
    pub bytes: Vec<u8>,
    /// The bytes stopped making sense: the rest of this side is shown raw, chunk by chunk.
    pub lost: bool,
}

/// What a decoder finds at the front of one side's waiting bytes.
pub enum Step {
    /// A whole message (or a broken one the decoder can step over), `.0` bytes long.
    Whole(usize, Message),
    /// Its end has not arrived yet.
    NeedMore,
    /// The bytes stopped making sense: the side cannot be followed any more, and why.
    Lost(String),
}

impl Pending {
    /// Takes the `bytes` that went `direction` and cuts from the front of what waits as
    /// many whole messages as `next` finds; once the side is lost, shows the rest raw. The
    /// loop every message-by-message decoder needs, written once: each says only how to
    /// find one message (`next`).
    pub fn feed(
        &mut self,
        direction: Direction,
        bytes: &[u8],
        out: &mut Vec<Message>,
        mut next: impl FnMut(&[u8]) -> Step,
    ) {
        if self.lost {
            return Pending::raw(direction, bytes, out);
        }
        self.bytes.extend_from_slice(bytes);
        loop {
            match next(&self.bytes) {
                Step::Whole(end, message) => {
                    self.bytes.drain(..end);
                    out.push(message);
                }
                Step::NeedMore => return,
                Step::Lost(why) => return self.lose(direction, why, out),
            }
        }
    }

    /// What is left when the side ends: a cut-short message, shown broken.
    pub fn leftover(&mut self, direction: Direction, what: &str, out: &mut Vec<Message>) {
        if !self.bytes.is_empty() && !self.lost {
            let bytes = std::mem::take(&mut self.bytes);
            out.push(Message::broken(
                direction,
                &bytes,
                format!(
                    "the connection ended in the middle of {what} ({} bytes)",
                    bytes.len()
                ),
            ));
        }
    }

    /// Shows `bytes` raw, as a side that is lost does.
    pub fn raw(direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        out.push(Message::new(
            direction,
            bytes,
            format!("{} bytes, not decoded (see above)", bytes.len()),
        ));
    }

    /// Gives up on this side: `bytes` (and all after them) cannot be decoded, and why.
    pub fn lose(&mut self, direction: Direction, why: String, out: &mut Vec<Message>) {
        let bytes = std::mem::take(&mut self.bytes);
        self.lost = true;
        out.push(Message::broken(direction, &bytes, why));
    }
}

/// Text for a summary line: control characters escaped, at most `max` characters.
pub fn printable(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut shown = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == max {
            shown.push('…');
            break;
        }
        match c {
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(shown, "\\x{:02x}", c as u32);
            }
            c => shown.push(c),
        }
    }
    shown
}

/// JSON laid out on several lines, or `None` when the bytes are not JSON.
pub fn pretty_json(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

/// Spans for the top-level members of a JSON object that matter on this course's wires
/// (`"id":1` and the like), found in `json`, which starts at `offset` in its message.
pub fn json_member_spans(json: &[u8], offset: usize, message: &mut Message) {
    const MEMBERS: [&str; 7] = [
        "id", "method", "params", "result", "error", "jsonrpc", "seq",
    ];
    json_spans(json, offset, &MEMBERS, message);
}

/// Spans for the `members` of a JSON object found in `json`, which starts at `offset` in
/// its message.
pub fn json_spans(json: &[u8], offset: usize, members: &[&str], message: &mut Message) {
    for member in members {
        let key = format!("\"{member}\":");
        let Some(at) = find(json, key.as_bytes()) else {
            continue;
        };
        // The value's end: where a JSON reader stops after one value.
        let value_start = at + key.len();
        let mut values = serde_json::Deserializer::from_slice(&json[value_start..])
            .into_iter::<serde::de::IgnoredAny>();
        if values.next().is_some_and(|value| value.is_ok()) {
            let end = value_start + values.byte_offset();
            message.span(offset + at, offset + end, format!("\"{member}\" member"));
        }
    }
    message.spans.sort_by_key(|span| span.start);
}

/// Bytes as spaced hex: `0a 06`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_and_cuts() {
        assert_eq!(printable(b"a\nb\x01", 10), "a\\nb\\x01");
        assert_eq!(printable(b"abcdef", 3), "abc…");
    }

    #[test]
    fn json_members_are_found_with_their_values() {
        let json = br#"{"id":12,"method":"hello.HelloWorld","params":{"a":[1,2]}}"#;
        let mut message = Message::default();
        json_member_spans(json, 4, &mut message);
        let labels: Vec<(usize, usize, &str)> = message
            .spans
            .iter()
            .map(|s| (s.start, s.end, s.label.as_str()))
            .collect();
        assert_eq!(
            labels,
            vec![
                (5, 12, "\"id\" member"),
                (13, 40, "\"method\" member"),
                (41, 61, "\"params\" member"),
            ]
        );
    }
}
