//! gRPC messages inside HTTP/2 DATA frames: each is a flag byte (1 = compressed), a 4-byte
//! big-endian length and the protobuf message (`shared::grpc::message`). A message may
//! start in one DATA frame and end in the next; what is left of a frame is carried over.

use prost_reflect::MessageDescriptor;
use shared::grpc::message::{PREFIX_LEN as PREFIX, Prefix, read_prefix};

use super::message::{MAX_MESSAGE, Message};
use super::protobuf;

/// Reads the gRPC messages that end in one DATA frame's `payload`, which starts at
/// `offset` in `message`. `carry` holds the stream's bytes left over from its earlier
/// frames, and keeps what this frame leaves over. Returns a summary of each message.
pub fn read_messages(
    carry: &mut Vec<u8>,
    payload: &[u8],
    offset: usize,
    schema: Option<&MessageDescriptor>,
    message: &mut Message,
) -> Vec<String> {
    let carried = carry.len();
    carry.extend_from_slice(payload);
    let mut summaries = Vec::new();
    let mut at = 0;
    while let Some(Prefix { compressed, len }) = read_prefix(&carry[at..]) {
        if len > MAX_MESSAGE {
            message.broken = true;
            summaries.push(format!(
                "a gRPC message of {len} bytes, over the limit of {MAX_MESSAGE}: not decoded"
            ));
            carry.clear();
            return summaries;
        }
        if carry.len() - at < PREFIX + len {
            break;
        }
        let body = carry[at + PREFIX..at + PREFIX + len].to_vec();
        // Spans only for a message that starts in this frame: offsets are the frame's.
        let starts_here = at >= carried;
        if starts_here {
            let start = offset + at - carried;
            message.span(start, start + 1, format!("gRPC: compressed = {compressed}"));
            message.span(
                start + 1,
                start + PREFIX,
                format!("gRPC: message length = {len}"),
            );
        }
        let summary = if compressed != 0 {
            format!("a compressed message of {len} bytes (not decoded)")
        } else if starts_here {
            protobuf::describe(&body, offset + at - carried + PREFIX, schema, message)
        } else {
            // Decode it all the same, without pointing at bytes of an earlier frame.
            let mut elsewhere = Message::default();
            let summary = protobuf::describe(&body, 0, schema, &mut elsewhere);
            message.broken |= elsewhere.broken;
            message.decoded = elsewhere.decoded;
            format!("{summary} (begun in an earlier DATA frame)")
        };
        summaries.push(summary);
        at += PREFIX + len;
    }
    carry.drain(..at);
    if !carry.is_empty() {
        summaries.push(format!(
            "{} bytes of a message that goes on in the next DATA frame",
            carry.len()
        ));
    }
    summaries
}

/// `message` encoded behind its 5-byte prefix, as a gRPC client sends it: for tests.
#[cfg(test)]
pub fn framed(message: &impl prost_reflect::prost::Message) -> Vec<u8> {
    let mut bytes = Vec::new();
    shared::grpc::message::put_message(&mut bytes, message);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proto::hello::HelloRequest;

    fn framed_hello(name: &str) -> Vec<u8> {
        framed(&HelloRequest { name: name.into() })
    }

    #[test]
    fn a_message_split_over_two_frames_is_read_once_whole() {
        let (request, _) = protobuf::method_types("/hello.Greeter/SayHello").unwrap();
        let bytes = framed_hello("Ferris");
        let (first, second) = bytes.split_at(7);
        let mut carry = Vec::new();
        let mut message = Message::default();
        let summaries = read_messages(&mut carry, first, 9, Some(&request), &mut message);
        assert_eq!(
            summaries,
            ["7 bytes of a message that goes on in the next DATA frame"]
        );
        let mut message = Message::default();
        let summaries = read_messages(&mut carry, second, 9, Some(&request), &mut message);
        assert_eq!(
            summaries,
            [r#"HelloRequest {"name (1)":"Ferris"} (begun in an earlier DATA frame)"#]
        );
        assert!(carry.is_empty());
    }

    #[test]
    fn the_prefix_is_pointed_at() {
        let (request, _) = protobuf::method_types("/hello.Greeter/SayHello").unwrap();
        let mut carry = Vec::new();
        let mut message = Message::default();
        let summaries = read_messages(
            &mut carry,
            &framed_hello("Ada"),
            9,
            Some(&request),
            &mut message,
        );
        assert_eq!(summaries, [r#"HelloRequest {"name (1)":"Ada"}"#]);
        assert_eq!(message.spans[0].label, "gRPC: compressed = 0");
        assert_eq!((message.spans[1].start, message.spans[1].end), (10, 14));
        assert_eq!(message.spans[1].label, "gRPC: message length = 5");
    }
}
