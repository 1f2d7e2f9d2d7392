//! HTTP/2 frames (RFC 9113, section 4): every frame is a 9-byte header and a payload.
//!
//! ```text
//! ┌────────────────┬─────────┬──────────┬─┬──────────────────────┬───────────────┐
//! │ length: 24 bit │ type: 8 │ flags: 8 │R│ stream id: 31 bit    │ payload …     │
//! └────────────────┴─────────┴──────────┴─┴──────────────────────┴───────────────┘
//! ```
//!
//! A gRPC call uses five kinds: HEADERS (and CONTINUATION, when headers do not fit one
//! frame) for the request line and metadata, DATA for the messages, and SETTINGS, PING and
//! WINDOW_UPDATE for the connection itself. The protocol's numbers are named as the RFC
//! names them, each with its name for a trace: [`kind`], [`flag`], [`setting`], [`error`].

/// What a client sends before anything else, so that a server knows it speaks HTTP/2.
pub const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// The size of a frame's header.
pub const HEADER_LEN: usize = 9;

/// The largest payload a peer must accept until it says otherwise (SETTINGS_MAX_FRAME_SIZE).
pub const DEFAULT_MAX_FRAME: usize = 16_384;

/// The flow-control window every stream and the connection start with (65,535 bytes).
pub const DEFAULT_WINDOW: u32 = 65_535;

/// The largest window flow control allows: 2³¹ − 1.
pub const MAX_WINDOW: u32 = (1 << 31) - 1;

mod codes;
pub use codes::{error, flag, kind, setting};

/// A frame's header, read from its first 9 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The payload's length, not counting these 9 bytes.
    pub len: usize,
    pub kind: u8,
    pub flags: u8,
    /// The stream the frame belongs to; 0 is the connection itself.
    pub stream: u32,
}

impl Head {
    /// Reads a header. The reserved bit in front of the stream id is ignored, as the RFC
    /// says a receiver must.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Head {
        Head {
            len: usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2]),
            kind: bytes[3],
            flags: bytes[4],
            stream: u32::from_be_bytes([bytes[5], bytes[6], bytes[7], bytes[8]]) & MAX_WINDOW,
        }
    }

    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Splits the next whole frame off the front of `bytes`: its header, its payload, and the
/// number of bytes it took. `None` while the frame has not fully arrived.
pub fn next(bytes: &[u8]) -> Option<(Head, &[u8], usize)> {
    let head = Head::parse(bytes.get(..HEADER_LEN)?.try_into().ok()?);
    let payload = bytes.get(HEADER_LEN..HEADER_LEN + head.len)?;
    Some((head, payload, HEADER_LEN + head.len))
}

/// Appends a frame header to `out`; the payload is for the caller to append next.
pub fn put_head(out: &mut Vec<u8>, len: usize, kind: u8, flags: u8, stream: u32) {
    debug_assert!(len < 1 << 24, "a frame's length has 24 bits");
    let len = (len as u32).to_be_bytes();
    out.extend_from_slice(&[len[1], len[2], len[3], kind, flags]);
    out.extend_from_slice(&stream.to_be_bytes());
}

/// Appends a whole frame to `out`.
pub fn put(out: &mut Vec<u8>, kind: u8, flags: u8, stream: u32, payload: &[u8]) {
    put_head(out, payload.len(), kind, flags, stream);
    out.extend_from_slice(payload);
}

/// Appends a SETTINGS frame announcing `settings`.
pub fn put_settings(out: &mut Vec<u8>, settings: &[(u16, u32)]) {
    put_head(out, settings.len() * 6, kind::SETTINGS, 0, 0);
    for (id, value) in settings {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&value.to_be_bytes());
    }
}

/// Appends a WINDOW_UPDATE frame: `stream` (0: the connection) may receive `increment`
/// more bytes.
pub fn put_window_update(out: &mut Vec<u8>, stream: u32, increment: u32) {
    put(
        out,
        kind::WINDOW_UPDATE,
        0,
        stream,
        &increment.to_be_bytes(),
    );
}

/// Appends an RST_STREAM frame: the stream ends at once, for the reason `code`.
pub fn put_reset(out: &mut Vec<u8>, stream: u32, code: u32) {
    put(out, kind::RST_STREAM, 0, stream, &code.to_be_bytes());
}

/// Appends a GOAWAY frame: the sender takes no stream above `last_stream`, for the reason
/// `code`, explained in `debug` (any bytes; people read it in logs).
pub fn put_goaway(out: &mut Vec<u8>, last_stream: u32, code: u32, debug: &str) {
    put_head(out, 8 + debug.len(), kind::GOAWAY, 0, 0);
    out.extend_from_slice(&last_stream.to_be_bytes());
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(debug.as_bytes());
}

/// The 32-bit number at the start of a payload (WINDOW_UPDATE, RST_STREAM), if it has one.
pub fn u32_at(payload: &[u8], at: usize) -> Option<u32> {
    let bytes = payload.get(at..at + 4)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// The settings in a SETTINGS payload, as (identifier, value) pairs; `None` if its length
/// is not a multiple of 6.
pub fn settings(payload: &[u8]) -> Option<impl Iterator<Item = (u16, u32)> + '_> {
    payload.len().is_multiple_of(6).then(|| {
        payload.chunks_exact(6).map(|setting| {
            let id = u16::from_be_bytes([setting[0], setting[1]]);
            let value = u32::from_be_bytes([setting[2], setting[3], setting[4], setting[5]]);
            (id, value)
        })
    })
}

/// A DATA or HEADERS payload without its padding (and, for HEADERS with the PRIORITY
/// flag, without the 5 bytes of priority in front). `None` when the padding claims more
/// bytes than there are: a PROTOCOL_ERROR.
pub fn unpadded<'a>(head: &Head, payload: &'a [u8]) -> Option<&'a [u8]> {
    let mut payload = payload;
    let mut padding = 0;
    if head.has(flag::PADDED) {
        let (&len, rest) = payload.split_first()?;
        padding = usize::from(len);
        payload = rest;
    }
    if head.kind == kind::HEADERS && head.has(flag::PRIORITY) {
        payload = payload.get(5..)?;
    }
    payload.get(..payload.len().checked_sub(padding)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_read_back_as_written() {
        let mut out = Vec::new();
        put(&mut out, kind::DATA, flag::END_STREAM, 3, b"hello");
        let (head, payload, used) = next(&out).unwrap();
        assert_eq!(
            head,
            Head {
                len: 5,
                kind: kind::DATA,
                flags: flag::END_STREAM,
                stream: 3
            }
        );
        assert_eq!((payload, used), (&b"hello"[..], 14));
        assert!(next(&out[..13]).is_none(), "a frame is whole or not there");
    }

    #[test]
    fn the_reserved_bit_is_ignored() {
        let bytes = [0, 0, 0, kind::PING, 0, 0x80, 0, 0, 1];
        assert_eq!(Head::parse(&bytes).stream, 1);
    }

    #[test]
    fn padding_and_priority_are_removed() {
        let head = Head {
            len: 0,
            kind: kind::HEADERS,
            flags: flag::PADDED | flag::PRIORITY,
            stream: 1,
        };
        let payload = [2, 0, 0, 0, 0, 16, b'h', b'i', 0, 0];
        assert_eq!(unpadded(&head, &payload), Some(&b"hi"[..]));
        let too_much = [9, 0, 0, 0, 0, 16, b'h'];
        assert_eq!(unpadded(&head, &too_much), None);
    }

    #[test]
    fn settings_come_in_sixes() {
        let mut out = Vec::new();
        put_settings(
            &mut out,
            &[
                (setting::MAX_CONCURRENT_STREAMS, 128),
                (setting::INITIAL_WINDOW_SIZE, 1 << 20),
            ],
        );
        let (_, payload, _) = next(&out).unwrap();
        let read: Vec<_> = settings(payload).unwrap().collect();
        assert_eq!(read, [(3, 128), (4, 1 << 20)]);
        assert!(settings(&payload[..7]).is_none());
    }
}
