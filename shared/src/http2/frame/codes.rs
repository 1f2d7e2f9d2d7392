//! The protocol's numbers, named as RFC 9113 names them (sections 6, 7 and 11): frame
//! types, flags, settings and error codes, each with the name a person reads in a trace.

/// Frame types (RFC 9113, section 6).
pub mod kind {
    pub const DATA: u8 = 0x0;
    pub const HEADERS: u8 = 0x1;
    pub const PRIORITY: u8 = 0x2;
    pub const RST_STREAM: u8 = 0x3;
    pub const SETTINGS: u8 = 0x4;
    pub const PUSH_PROMISE: u8 = 0x5;
    pub const PING: u8 = 0x6;
    pub const GOAWAY: u8 = 0x7;
    pub const WINDOW_UPDATE: u8 = 0x8;
    pub const CONTINUATION: u8 = 0x9;

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

    /// A frame type's name; `None` for a type HTTP/2 does not define (a receiver ignores
    /// those frames).
    pub fn name(kind: u8) -> Option<&'static str> {
        NAMES.get(usize::from(kind)).copied()
    }
}

/// Frame flags. The same bit means different things on different frames: 0x1 is
/// END_STREAM on DATA and HEADERS, ACK on SETTINGS and PING.
pub mod flag {
    use super::kind;

    pub const END_STREAM: u8 = 0x1;
    pub const ACK: u8 = 0x1;
    pub const END_HEADERS: u8 = 0x4;
    pub const PADDED: u8 = 0x8;
    pub const PRIORITY: u8 = 0x20;

    /// The names of the flags set in `flags` that a frame of type `kind` defines.
    pub fn names(kind: u8, flags: u8) -> impl Iterator<Item = &'static str> {
        let defined: &[(u8, &str)] = match kind {
            kind::DATA => &[(END_STREAM, "END_STREAM"), (PADDED, "PADDED")],
            kind::HEADERS => &[
                (END_STREAM, "END_STREAM"),
                (END_HEADERS, "END_HEADERS"),
                (PADDED, "PADDED"),
                (PRIORITY, "PRIORITY"),
            ],
            kind::SETTINGS | kind::PING => &[(ACK, "ACK")],
            kind::CONTINUATION => &[(END_HEADERS, "END_HEADERS")],
            _ => &[],
        };
        defined
            .iter()
            .filter(move |(bit, _)| flags & bit != 0)
            .map(|(_, name)| *name)
    }
}

/// Settings a peer announces in a SETTINGS frame (RFC 9113, section 6.5.2; RFC 8441).
pub mod setting {
    pub const HEADER_TABLE_SIZE: u16 = 0x1;
    pub const ENABLE_PUSH: u16 = 0x2;
    pub const MAX_CONCURRENT_STREAMS: u16 = 0x3;
    pub const INITIAL_WINDOW_SIZE: u16 = 0x4;
    pub const MAX_FRAME_SIZE: u16 = 0x5;
    pub const MAX_HEADER_LIST_SIZE: u16 = 0x6;
    pub const ENABLE_CONNECT_PROTOCOL: u16 = 0x8;

    /// A setting's name; `None` for one HTTP/2 does not define (a receiver ignores it).
    pub fn name(id: u16) -> Option<&'static str> {
        Some(match id {
            HEADER_TABLE_SIZE => "HEADER_TABLE_SIZE",
            ENABLE_PUSH => "ENABLE_PUSH",
            MAX_CONCURRENT_STREAMS => "MAX_CONCURRENT_STREAMS",
            INITIAL_WINDOW_SIZE => "INITIAL_WINDOW_SIZE",
            MAX_FRAME_SIZE => "MAX_FRAME_SIZE",
            MAX_HEADER_LIST_SIZE => "MAX_HEADER_LIST_SIZE",
            ENABLE_CONNECT_PROTOCOL => "ENABLE_CONNECT_PROTOCOL",
            _ => return None,
        })
    }
}

/// Error codes of RST_STREAM and GOAWAY (RFC 9113, section 7).
pub mod error {
    pub const NO_ERROR: u32 = 0x0;
    pub const PROTOCOL_ERROR: u32 = 0x1;
    pub const INTERNAL_ERROR: u32 = 0x2;
    pub const FLOW_CONTROL_ERROR: u32 = 0x3;
    pub const SETTINGS_TIMEOUT: u32 = 0x4;
    pub const STREAM_CLOSED: u32 = 0x5;
    pub const FRAME_SIZE_ERROR: u32 = 0x6;
    pub const REFUSED_STREAM: u32 = 0x7;
    pub const CANCEL: u32 = 0x8;
    pub const COMPRESSION_ERROR: u32 = 0x9;
    pub const CONNECT_ERROR: u32 = 0xa;
    pub const ENHANCE_YOUR_CALM: u32 = 0xb;
    pub const INADEQUATE_SECURITY: u32 = 0xc;
    pub const HTTP_1_1_REQUIRED: u32 = 0xd;

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

    /// An error code's name; `None` for a code HTTP/2 does not define.
    pub fn name(code: u32) -> Option<&'static str> {
        NAMES.get(usize::try_from(code).ok()?).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_the_rfcs_names() {
        assert_eq!(kind::name(kind::WINDOW_UPDATE), Some("WINDOW_UPDATE"));
        assert_eq!(kind::name(0xa), None);
        let flags = flag::END_STREAM | flag::END_HEADERS | flag::PADDED;
        let on_headers: Vec<_> = flag::names(kind::HEADERS, flags).collect();
        assert_eq!(on_headers, ["END_STREAM", "END_HEADERS", "PADDED"]);
        let on_ping: Vec<_> = flag::names(kind::PING, flags).collect();
        assert_eq!(on_ping, ["ACK"], "the same bit, another name");
        assert_eq!(
            setting::name(setting::INITIAL_WINDOW_SIZE),
            Some("INITIAL_WINDOW_SIZE")
        );
        assert_eq!(setting::name(0x7), None);
        assert_eq!(
            error::name(error::ENHANCE_YOUR_CALM),
            Some("ENHANCE_YOUR_CALM")
        );
        assert_eq!(error::name(0xe), None);
    }
}
