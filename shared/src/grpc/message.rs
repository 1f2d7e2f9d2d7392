//! A gRPC message on the wire, in either direction: a 5-byte prefix, then the protobuf
//! bytes of lesson 04 ("Length-Prefixed-Message" in gRPC's HTTP/2 protocol). Everything in
//! the course that frames or reads a message by hand uses these: lesson 05's `wire`,
//! `grpc-fast`, the load generator, the runner's wire view.
//!
//! A call's outcome comes back in trailers, and its text, `grpc-message`, is
//! percent-encoded (`name%20must%20not%20be%20empty`).

use bytes::BufMut;

/// The prefix's size: the "compressed" byte and the 4-byte length.
pub const PREFIX_LEN: usize = 5;

// ANCHOR: prefix
/// Appends the prefix of an uncompressed message of `len` bytes: a flag byte (1 =
/// compressed; we never compress), then the length as a 4-byte big-endian number.
pub fn put_prefix(out: &mut impl BufMut, len: usize) {
    out.put_u8(0);
    out.put_u32(u32::try_from(len).expect("a gRPC message is under 4 GiB"));
}

/// A message's prefix, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    /// The flag byte: 0 for a plain message, 1 for a compressed one.
    pub compressed: u8,
    /// How many bytes of message follow.
    pub len: usize,
}

/// The prefix at the start of `bytes`; `None` while fewer than 5 bytes are there.
pub fn read_prefix(bytes: &[u8]) -> Option<Prefix> {
    let (&compressed, len) = bytes.get(..PREFIX_LEN)?.split_first()?;
    let len = u32::from_be_bytes(len.try_into().ok()?) as usize;
    Some(Prefix { compressed, len })
}
// ANCHOR_END: prefix

/// Appends `message`, encoded, behind its prefix.
pub fn put_message(out: &mut impl BufMut, message: &impl prost::Message) {
    put_prefix(out, message.encoded_len());
    message
        .encode(out)
        .expect("a growing buffer always has room");
}

/// `message` behind its prefix, in a buffer of its own: a reply ready to send.
pub fn message_bytes(message: &impl prost::Message) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(PREFIX_LEN + message.encoded_len());
    put_message(&mut bytes, message);
    bytes
}

/// Decodes a percent-encoded `grpc-message` (`closed%20for%20the%20day`); a `%` that is
/// not followed by two hex digits stays as it is.
pub fn percent_decode(text: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some((&byte, tail)) = rest.split_first() {
        let hex = tail.get(..2).and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(decoded) if byte == b'%' => {
                bytes.push(decoded);
                rest = &tail[2..];
            }
            _ => {
                bytes.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::hello::HelloRequest;

    #[test]
    fn a_message_is_read_back_behind_its_prefix() {
        let mut out = Vec::new();
        put_message(
            &mut out,
            &HelloRequest {
                name: "w3-17".into(),
            },
        );
        assert_eq!(out, b"\x00\x00\x00\x00\x07\x0a\x05w3-17");
        let prefix = read_prefix(&out).unwrap();
        assert_eq!(
            prefix,
            Prefix {
                compressed: 0,
                len: 7
            }
        );
        assert_eq!(
            read_prefix(&out[..4]),
            None,
            "a prefix is whole or not there"
        );
    }

    #[test]
    fn grpc_messages_are_percent_decoded() {
        assert_eq!(
            percent_decode(b"closed%20for%20the%20day"),
            "closed for the day"
        );
        assert_eq!(percent_decode(b"100%"), "100%");
        assert_eq!(percent_decode(b"%zz%C3%A9"), "%zz\u{e9}");
    }
}
