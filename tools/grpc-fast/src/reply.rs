//! What goes back for a call: gRPC's reply, written as HTTP/2 frames.
//!
//! A unary call that succeeds is answered with three frames:
//!
//! ```text
//! HEADERS  :status: 200, content-type: application/grpc
//! DATA     00 | length (4 bytes) | the protobuf reply
//! HEADERS  grpc-status: 0                              (END_STREAM: the call is over)
//! ```
//!
//! and one that fails with a single HEADERS frame holding all of it ("trailers only"):
//! `:status: 200`, `content-type`, `grpc-status` and `grpc-message`. The header blocks are
//! written with HPACK representations that never ask the client to add to its table, so
//! they are the same bytes on every connection and need no state.

use std::sync::LazyLock;

use http2::frame::{self, flag, kind};
use http2::hpack::{self, index};
use tonic::Code;

/// The longest `grpc-message` sent: a reply's headers stay well inside one frame.
const MAX_STATUS_MESSAGE: usize = 1024;

// ANCHOR: reply
/// `:status: 200` and `content-type: application/grpc`, the head of every reply.
static HEAD: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut block = Vec::new();
    hpack::put_indexed(&mut block, index::STATUS_200);
    hpack::put_with_name_index(&mut block, index::CONTENT_TYPE, b"application/grpc");
    block
});

/// `grpc-status: 0`, the trailers of every call that succeeded.
static OK_TRAILERS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut block = Vec::new();
    hpack::put_literal(&mut block, b"grpc-status", b"0");
    block
});

/// The reply's HEADERS frame.
pub fn put_head(out: &mut Vec<u8>, stream: u32) {
    frame::put(out, kind::HEADERS, flag::END_HEADERS, stream, &HEAD);
}

/// The trailers of a call that succeeded; they end the stream.
pub fn put_ok_trailers(out: &mut Vec<u8>, stream: u32) {
    let flags = flag::END_HEADERS | flag::END_STREAM;
    frame::put(out, kind::HEADERS, flags, stream, &OK_TRAILERS);
}

// ANCHOR_END: reply

/// A whole answer to a call that failed: one HEADERS frame, "trailers only".
pub fn put_error(out: &mut Vec<u8>, stream: u32, code: Code, message: &str) {
    put_status(out, stream, HEAD.clone(), code, message);
}

/// The trailers of a call whose head went out but which then failed (a server stream
/// whose next message was an error).
pub fn put_error_trailers(out: &mut Vec<u8>, stream: u32, code: Code, message: &str) {
    put_status(out, stream, Vec::new(), code, message);
}

/// `block`, then `grpc-status` and `grpc-message`, as a HEADERS frame that ends the stream.
fn put_status(out: &mut Vec<u8>, stream: u32, mut block: Vec<u8>, code: Code, message: &str) {
    let status = (code as i32).to_string();
    hpack::put_literal(&mut block, b"grpc-status", status.as_bytes());
    if !message.is_empty() {
        let message = percent_encoded(message);
        hpack::put_literal(&mut block, b"grpc-message", message.as_bytes());
    }
    let flags = flag::END_HEADERS | flag::END_STREAM;
    frame::put(out, kind::HEADERS, flags, stream, &block);
}

/// The head of an HTTP answer that is not gRPC (to a request that is not a gRPC call: 405,
/// 415; to headers that are too large: 431). Its body, [`http_body`], follows as DATA.
pub fn put_http_head(out: &mut Vec<u8>, stream: u32, status: u16) {
    let mut block = Vec::new();
    hpack::put_with_name_index(&mut block, index::STATUS_200, status.to_string().as_bytes());
    hpack::put_with_name_index(&mut block, index::CONTENT_TYPE, b"text/plain");
    frame::put(out, kind::HEADERS, flag::END_HEADERS, stream, &block);
}

/// One line that says what an HTTP status means here, for whoever sent the request.
pub fn http_body(status: u16) -> &'static [u8] {
    match status {
        405 => b"this server answers gRPC calls, which are POST requests\n",
        415 => b"this server answers gRPC calls, whose content-type is application/grpc\n",
        431 => b"the request's header fields are over 16 KiB\n",
        _ => b"this server answers gRPC calls only\n",
    }
}

/// `grpc-message` is percent-encoded UTF-8 (the gRPC HTTP/2 spec): every byte outside
/// printable ASCII, and `%` itself, becomes `%XX`. Long messages are cut short.
fn percent_encoded(message: &str) -> String {
    let mut encoded = String::with_capacity(message.len());
    for &byte in message.as_bytes() {
        if encoded.len() >= MAX_STATUS_MESSAGE {
            break;
        }
        if (0x20..0x7f).contains(&byte) && byte != b'%' {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests;
