//! The 9-byte frame header, pointed at, and the names HTTP/2 gives to what is in frames
//! (types, flags, error codes, settings: `http2::frame`'s), as the view words them.

use http2::frame::{Head, error, flag, kind, setting};

use crate::wire::message::Message;

/// A frame type's name.
pub(super) fn type_name(frame_type: u8) -> &'static str {
    kind::name(frame_type).unwrap_or("unknown type")
}

/// An error code's name (RST_STREAM, GOAWAY).
pub(super) fn error_name(code: u32) -> String {
    error::name(code).map_or_else(|| format!("error {code}"), str::to_string)
}

pub(super) fn setting_name(id: u16) -> String {
    setting::name(id).map_or_else(|| format!("setting {id:#x}"), str::to_string)
}

/// Spans for the 9-byte header.
pub(super) fn frame_header(head: &Head, message: &mut Message) {
    let name = type_name(head.kind);
    message.span(0, 3, format!("frame length = {}", head.len));
    message.span(3, 4, format!("frame type = {} ({name})", head.kind));
    let flag_text = flag::names(head.kind, head.flags)
        .collect::<Vec<_>>()
        .join(" | ");
    message.span(4, 5, format!("flags = {:#04x} {flag_text}", head.flags));
    message.span(5, 9, format!("stream id = {}", head.stream));
}
