//! Lesson 01's protocol: a line goes out, the same line comes back.
//!
//! The echo protocol has no ids, so replies are matched to requests by order: the first
//! line back must be the first line sent. Each line names its worker and request
//! (`w3-17 hello world`), so an echo of the wrong line is caught.

use bytes::BytesMut;

use crate::tcp::{Codec, Outcome, Reply, cut_line};

/// Newline-delimited echo (lesson 01).
#[derive(Clone, Copy, Debug)]
pub struct Echo;

impl Codec for Echo {
    const IN_ORDER: bool = true;

    fn encode(&self, _id: u64, name: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b" hello world\n");
    }

    fn decode(&self, buf: &mut BytesMut) -> Result<Option<Reply>, String> {
        let Some(line) = cut_line(buf)? else {
            return Ok(None);
        };
        let outcome = match String::from_utf8(line.to_vec()) {
            Ok(text) => Outcome::Result(text),
            Err(_) => Outcome::Malformed(format!("not UTF-8: {:?}", line)),
        };
        Ok(Some(Reply { id: None, outcome }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_one_line_and_its_echo_is_the_result() {
        let mut out = Vec::new();
        Echo.encode(7, "w0-7", &mut out);
        assert_eq!(out, b"w0-7 hello world\n");
        let mut buf = BytesMut::from(&out[..]);
        let reply = Echo.decode(&mut buf).unwrap().unwrap();
        assert_eq!(reply.outcome, Outcome::Result(Echo.expected("w0-7")));
        assert!(buf.is_empty());
    }
}
