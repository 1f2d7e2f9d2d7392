//! Lesson 02's protocol: length-prefixed JSON frames.
//!
//! A frame is a 4-byte big-endian length N and N bytes of JSON. A request is
//! `{"id":7,"method":"hello.HelloWorld","params":"w3-7"}`; the reply
//! `{"id":7,"result":"w3-7 hello world"}` or `{"id":7,"error":"…"}`. Replies to pipelined
//! requests may come back in any order, so they are matched by id.

use bytes::{Buf, BytesMut};
use serde::Serialize;

use crate::jsonrpc::read_reply;
use crate::tcp::{Codec, LONGEST_REPLY, Reply};

/// Length-prefixed JSON frames (lesson 02).
#[derive(Clone, Copy, Debug)]
pub struct Rpc;

#[derive(Serialize)]
struct Request<'a> {
    id: u64,
    method: &'a str,
    params: &'a str,
}

// ANCHOR: codec
impl Codec for Rpc {
    fn encode(&self, id: u64, name: &str, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(&[0; 4]); // the length, filled in below
        let request = Request {
            id,
            method: "hello.HelloWorld",
            params: name,
        };
        serde_json::to_writer(&mut *out, &request).expect("writing to a Vec cannot fail");
        let length = (out.len() - start - 4) as u32;
        out[start..start + 4].copy_from_slice(&length.to_be_bytes());
    }

    fn decode(&self, buf: &mut BytesMut) -> Result<Option<Reply>, String> {
        let Some(header) = buf.first_chunk::<4>() else {
            return Ok(None);
        };
        let length = u32::from_be_bytes(*header) as usize;
        if length > LONGEST_REPLY {
            return Err(format!(
                "a frame of {length} bytes (at most {LONGEST_REPLY})"
            ));
        }
        if buf.len() < 4 + length {
            return Ok(None);
        }
        buf.advance(4);
        let frame = buf.split_to(length);
        // The JSON inside is read as lesson 03's replies are (`jsonrpc.rs`).
        Ok(Some(read_reply(&frame, false)))
    }
}
// ANCHOR_END: codec

#[cfg(test)]
mod tests;
