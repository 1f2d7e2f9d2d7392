//! The 9-byte frame header, and the names HTTP/2 gives to what is in frames: types, flags,
//! error codes and settings (RFC 9113, section 6 and 11).

use crate::wire::message::Message;

/// The size of a frame's header.
pub(super) const HEADER: usize = 9;

/// A frame type's name.
fn type_name(frame_type: u8) -> &'static str {
    const NAMES: [&str; 10] = [
        "DATA",
        "HEADERS",
        "PRIORITY",
        "RST_STREAM",
        "SETTINGS",
        "PUSH_PROMISE",
        "PING",
        "GOAWAY",
        "WINDOW_UPDATE",
        "CONTINUATION",
    ];
    NAMES
        .get(usize::from(frame_type))
        .copied()
        .unwrap_or("unknown type")
}

/// The names of the flags set, for a frame of this type.
pub(super) fn flag_names(frame_type: u8, flags: u8) -> Vec<&'static str> {
    let known: &[(u8, &str)] = match frame_type {
        0 => &[(0x1, "END_STREAM"), (0x8, "PADDED")],
        1 => &[
            (0x1, "END_STREAM"),
            (0x4, "END_HEADERS"),
            (0x8, "PADDED"),
            (0x20, "PRIORITY"),
        ],
        4 | 6 => &[(0x1, "ACK")],
        9 => &[(0x4, "END_HEADERS")],
        _ => &[],
    };
    known
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// An error code's name (RST_STREAM, GOAWAY).
pub(super) fn error_name(code: u32) -> String {
    const NAMES: [&str; 14] = [
        "NO_ERROR",
        "PROTOCOL_ERROR",
        "INTERNAL_ERROR",
        "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT",
        "STREAM_CLOSED",
        "FRAME_SIZE_ERROR",
        "REFUSED_STREAM",
        "CANCEL",
        "COMPRESSION_ERROR",
        "CONNECT_ERROR",
        "ENHANCE_YOUR_CALM",
        "INADEQUATE_SECURITY",
        "HTTP_1_1_REQUIRED",
    ];
    NAMES
        .get(code as usize)
        .map_or_else(|| format!("error {code}"), |name| name.to_string())
}

pub(super) fn setting_name(id: u16) -> String {
    const NAMES: [&str; 8] = [
        "?",
        "HEADER_TABLE_SIZE",
        "ENABLE_PUSH",
        "MAX_CONCURRENT_STREAMS",
        "INITIAL_WINDOW_SIZE",
        "MAX_FRAME_SIZE",
        "MAX_HEADER_LIST_SIZE",
        "?",
    ];
    match NAMES.get(usize::from(id)) {
        Some(name) if *name != "?" => name.to_string(),
        _ if id == 8 => "ENABLE_CONNECT_PROTOCOL".into(),
        _ => format!("setting {id:#x}"),
    }
}

pub(super) fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Spans for the 9-byte header; returns the type's name and the stream.
pub(super) fn frame_header(frame: &[u8], message: &mut Message) -> (&'static str, u32) {
    let len = usize::from(frame[0]) << 16 | usize::from(frame[1]) << 8 | usize::from(frame[2]);
    let (frame_type, flags) = (frame[3], frame[4]);
    let stream = u32_at(frame, 5) & 0x7fff_ffff;
    let name = type_name(frame_type);
    message.span(0, 3, format!("frame length = {len}"));
    message.span(3, 4, format!("frame type = {frame_type} ({name})"));
    let flag_text = flag_names(frame_type, flags).join(" | ");
    message.span(4, 5, format!("flags = {flags:#04x} {flag_text}"));
    message.span(5, 9, format!("stream id = {stream}"));
    (name, stream)
}

/// `grpc-message` is percent-encoded on the wire (`name%20must…`): shown as text.
pub(super) fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}
