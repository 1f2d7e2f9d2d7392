//! What both lean gRPC clients send and accept: the request message, and the checks that
//! make a reply count.
//!
//! Nothing is taken on trust: a reply counts only if it is exactly one uncompressed
//! `HelloReply` whose message is `"Hello <name>!"` for the name that was sent
//! (`w<caller>-<call>`), after HTTP 200 and with `grpc-status: 0`.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use prost::Message;
use proto::hello::{HelloReply, HelloRequest};

/// The gRPC message prefix: one byte "compressed?" (0: no), then the length, 4 bytes big-endian.
pub const PREFIX_LEN: usize = 5;

/// Why a call did not count: the call failed (transport, HTTP or gRPC status), or it
/// succeeded with the wrong message.
pub enum Failure {
    Call(String),
    Wrong(String),
}

/// `HelloRequest { name }` as a gRPC message: prefix, then protobuf. The buffer is reused.
pub fn encode(buffer: &mut BytesMut, name: &str) -> Bytes {
    let request = HelloRequest {
        name: name.to_owned(),
    };
    let len = request.encoded_len();
    buffer.reserve(PREFIX_LEN + len);
    buffer.put_u8(0);
    buffer.put_u32(len as u32);
    request
        .encode(buffer)
        .expect("the buffer has room: reserved above");
    buffer.split().freeze()
}

/// `grpc-message` is percent-encoded UTF-8 (`closed%20for%20the%20day`): decodes it.
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

/// Checks that `body` is exactly one uncompressed `HelloReply` saying `"Hello <name>!"`.
pub fn check(body: &[u8], name: &str) -> Result<(), Failure> {
    let wrong = |why: String| Failure::Wrong(why);
    let mut prefix = body
        .get(..PREFIX_LEN)
        .ok_or_else(|| wrong(format!("{} bytes: no gRPC message prefix", body.len())))?;
    let compressed = prefix.get_u8();
    let len = prefix.get_u32() as usize;
    let message = &body[PREFIX_LEN..];
    if compressed != 0 || len != message.len() {
        return Err(wrong(format!(
            "prefix says compressed={compressed}, {len} bytes; {} bytes follow",
            message.len()
        )));
    }
    let reply = HelloReply::decode(message)
        .map_err(|e| wrong(format!("not a HelloReply: {e}")))?
        .message;
    let greeted = reply
        .strip_prefix("Hello ")
        .and_then(|rest| rest.strip_suffix('!'));
    if greeted != Some(name) {
        return Err(wrong(format!("expected \"Hello {name}!\", got {reply:?}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    #[test]
    fn a_request_is_prefixed_protobuf() {
        let body = encode(&mut BytesMut::new(), "w3-17");
        assert_eq!(&body[..], b"\x00\x00\x00\x00\x07\x0a\x05w3-17");
    }

    #[test]
    fn replies_are_checked_in_full() {
        let reply = |message: &str| {
            let mut body = BytesMut::new();
            let reply = HelloReply {
                message: message.into(),
            };
            body.put_u8(0);
            body.put_u32(reply.encoded_len() as u32);
            reply.encode(&mut body).unwrap();
            body
        };
        assert!(check(&reply("Hello w1-2!"), "w1-2").is_ok());
        assert!(matches!(
            check(&reply("Hello w1-3!"), "w1-2"),
            Err(Failure::Wrong(_))
        ));
        assert!(matches!(
            check(&reply("Hello w1-2"), "w1-2"),
            Err(Failure::Wrong(_))
        ));
        let mut long = reply("Hello w1-2!");
        long.put_u8(0);
        assert!(matches!(check(&long, "w1-2"), Err(Failure::Wrong(_))));
        assert!(matches!(check(b"\x00\x00", "w1-2"), Err(Failure::Wrong(_))));
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
