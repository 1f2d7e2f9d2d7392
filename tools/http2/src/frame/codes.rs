//! The protocol's numbers, named as RFC 9113 names them (sections 6, 7 and 11): frame
//! types, flags, settings and error codes, each with the name a person reads in a trace.

/// Declares a list of codes as constants, and `name`, which gives each code's name back
/// (`None` for a code the list does not have).
macro_rules! codes {
    ($type:ty: $($name:ident = $value:literal,)*) => {
        $(pub const $name: $type = $value;)*

        /// The code's name as the RFC writes it; `None` for one HTTP/2 does not define
        /// (a receiver ignores unknown frame types and settings).
        pub fn name(code: $type) -> Option<&'static str> {
            match code {
                $($name => Some(stringify!($name)),)*
                _ => None,
            }
        }
    };
}

/// Frame types (RFC 9113, section 6).
pub mod kind {
    codes! { u8:
        DATA = 0x0,
        HEADERS = 0x1,
        PRIORITY = 0x2,
        RST_STREAM = 0x3,
        SETTINGS = 0x4,
        PUSH_PROMISE = 0x5,
        PING = 0x6,
        GOAWAY = 0x7,
        WINDOW_UPDATE = 0x8,
        CONTINUATION = 0x9,
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
    codes! { u16:
        HEADER_TABLE_SIZE = 0x1,
        ENABLE_PUSH = 0x2,
        MAX_CONCURRENT_STREAMS = 0x3,
        INITIAL_WINDOW_SIZE = 0x4,
        MAX_FRAME_SIZE = 0x5,
        MAX_HEADER_LIST_SIZE = 0x6,
        ENABLE_CONNECT_PROTOCOL = 0x8,
    }
}

/// Error codes of RST_STREAM and GOAWAY (RFC 9113, section 7).
pub mod error {
    codes! { u32:
        NO_ERROR = 0x0,
        PROTOCOL_ERROR = 0x1,
        INTERNAL_ERROR = 0x2,
        FLOW_CONTROL_ERROR = 0x3,
        SETTINGS_TIMEOUT = 0x4,
        STREAM_CLOSED = 0x5,
        FRAME_SIZE_ERROR = 0x6,
        REFUSED_STREAM = 0x7,
        CANCEL = 0x8,
        COMPRESSION_ERROR = 0x9,
        CONNECT_ERROR = 0xa,
        ENHANCE_YOUR_CALM = 0xb,
        INADEQUATE_SECURITY = 0xc,
        HTTP_1_1_REQUIRED = 0xd,
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
