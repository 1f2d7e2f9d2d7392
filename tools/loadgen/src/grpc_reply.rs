//! What both lean gRPC clients send and accept: the request message, and the checks that
//! make a reply count.
//!
//! Nothing is taken on trust: a reply counts only if it is exactly one uncompressed
//! `HelloReply` whose message is `"Hello <name>!"` for the name that was sent
//! (`w<caller>-<call>`), after HTTP 200 and with `grpc-status: 0`. Lesson 11's framework
//! greets as `"Hello <name> from <node>"`, saying which node answered; that counts too.

use bytes::{Bytes, BytesMut};
use prost::Message;
use proto::hello::{HelloReply, HelloRequest};
use shared::grpc::message::{PREFIX_LEN, Prefix, percent_decode, put_message, read_prefix};

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
    buffer.reserve(PREFIX_LEN + request.encoded_len());
    put_message(buffer, &request);
    buffer.split().freeze()
}

/// Checks that `body` is exactly one uncompressed `HelloReply` saying `"Hello <name>!"`
/// (or `"Hello <name> from <node>"`).
pub fn check(body: &[u8], name: &str) -> Result<(), Failure> {
    let wrong = |why: String| Failure::Wrong(why);
    let Prefix { compressed, len } = read_prefix(body)
        .ok_or_else(|| wrong(format!("{} bytes: no gRPC message prefix", body.len())))?;
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
    let greeted = reply.strip_prefix("Hello ").and_then(|rest| {
        rest.strip_suffix('!').or_else(|| {
            let (greeted, node) = rest.split_once(" from ")?;
            (!node.is_empty()).then_some(greeted)
        })
    });
    if greeted != Some(name) {
        return Err(wrong(format!("expected \"Hello {name}!\", got {reply:?}")));
    }
    Ok(())
}

/// `Ok` if a reply's `grpc-status` is 0 (OK); otherwise the status and its message (the
/// `grpc-message` header, percent-encoded).
pub fn check_status(status: Option<&[u8]>, message: Option<&[u8]>) -> Result<(), Failure> {
    match status {
        Some(b"0") => Ok(()),
        Some(code) => {
            let message = message.map(percent_decode).unwrap_or_default();
            Err(Failure::Call(format!(
                "grpc-status {}: {message}",
                String::from_utf8_lossy(code)
            )))
        }
        None => Err(Failure::Call("no grpc-status".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_prefixed_protobuf() {
        let body = encode(&mut BytesMut::new(), "w3-17");
        assert_eq!(&body[..], b"\x00\x00\x00\x00\x07\x0a\x05w3-17");
    }

    #[test]
    fn replies_are_checked_in_full() {
        let reply = |message: &str| {
            let mut body = Vec::new();
            let reply = HelloReply {
                message: message.into(),
            };
            put_message(&mut body, &reply);
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
        // Lesson 11's framework names the node that answered; only for the name sent.
        assert!(check(&reply("Hello w1-2 from greeter-127.0.0.1-7011"), "w1-2").is_ok());
        for wrong in [
            "Hello w1-3 from greeter-1",
            "Hello w1-2 from ",
            "Hello w1-2 greeter-1",
        ] {
            assert!(
                matches!(check(&reply(wrong), "w1-2"), Err(Failure::Wrong(_))),
                "{wrong}"
            );
        }
        let mut long = reply("Hello w1-2!");
        long.push(0);
        assert!(matches!(check(&long, "w1-2"), Err(Failure::Wrong(_))));
        assert!(matches!(check(b"\x00\x00", "w1-2"), Err(Failure::Wrong(_))));
    }
}
