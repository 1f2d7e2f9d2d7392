//! Bad frames, against the lesson's server: each frame that cannot be read gets an error
//! answer that says why, then the connection closes — at once, never after waiting for
//! bytes that a length promised — and other clients go on. Frames that read but ask for
//! the wrong thing are `bad_calls.rs`'s.

use std::io::Write;
use std::time::Duration;

use l13_rpcx::arith::Args;
use l13_rpcx::connection::Connection;
use l13_rpcx::header::{Compress, Header, Serialize};
use l13_rpcx::message::{self, MAX_FRAME, Message};
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// A well-formed request for `Arith.Mul` with `payload`, as bytes.
pub(crate) fn request(header: Header, payload: &[u8]) -> Vec<u8> {
    Message {
        header,
        service_path: "Arith".into(),
        service_method: "Mul".into(),
        metadata: Vec::new(),
        payload: payload.to_vec(),
    }
    .encode()
}

/// A frame from its header and body, the total length computed.
fn frame(header: [u8; 12], body: &[u8]) -> Vec<u8> {
    let mut bytes = header.to_vec();
    bytes.extend_from_slice(&(body.len() as u32).to_be_bytes());
    bytes.extend_from_slice(body);
    bytes
}

fn section(bytes: &[u8]) -> Vec<u8> {
    let mut out = (bytes.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(bytes);
    out
}

const REQUEST: [u8; 12] = [0x08, 0, 0x00, 0x30, 0, 0, 0, 0, 0, 0, 0, 9];

/// Sends `bytes` (then, with `close`, no more) and returns the error the server answered;
/// fails unless the server then closes the connection.
async fn refused(bytes: &[u8], close: bool) -> String {
    let server = crate::support::server(Duration::ZERO).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream.write_all(bytes).await.expect("send");
    if close {
        stream.shutdown().await.expect("close our side");
    }
    let answer = within("the server's error answer", message::read(&mut stream))
        .await
        .expect("a readable answer")
        .expect("an answer before the close");
    let error = answer.service_error().expect("an error answer").to_string();
    let after = within(
        "the server to close the connection",
        message::read(&mut stream),
    )
    .await;
    assert!(
        matches!(after, Ok(None)),
        "after {error:?} the connection should close; got {after:?}"
    );
    // The server is still there for everyone else.
    let connection = Connection::connect(&server.addr.to_string(), Serialize::MsgPack)
        .await
        .expect("connect again");
    let product: i64 = within(
        "a call after the bad frame",
        connection.call("Arith", "Mul", &Args { a: 6, b: 7 }),
    )
    .await
    .expect("a good call still works");
    assert_eq!(product, 42);
    error
}

#[tokio::test]
async fn a_wrong_magic_number_is_refused_at_once() {
    let error = refused(b"GET / HTTP/1.1\r\n\r\n", false).await;
    assert!(error.contains("wrong magic number 0x47"), "{error}");
}

#[tokio::test]
async fn a_truncated_header_is_refused() {
    let error = refused(&[0x08, 0, 0, 0x30, 0], true).await;
    assert!(error.contains("inside the header"), "{error}");
}

#[tokio::test]
async fn a_truncated_body_is_refused() {
    let whole = request(Header::request(1, Serialize::MsgPack), b"\x80");
    let error = refused(&whole[..whole.len() - 3], true).await;
    assert!(error.contains("inside the body"), "{error}");
}

#[tokio::test]
async fn a_4_gib_frame_is_refused_without_waiting_for_it() {
    let mut bytes = REQUEST.to_vec();
    bytes.extend_from_slice(&u32::MAX.to_be_bytes());
    let error = refused(&bytes, false).await;
    assert!(
        error.contains(&format!("longer than the {MAX_FRAME}")),
        "{error}"
    );
}

#[tokio::test]
async fn a_section_longer_than_the_frame_is_refused() {
    let mut body = 1000u32.to_be_bytes().to_vec(); // a service path of 1000 bytes…
    body.extend_from_slice(b"Arith"); // …of which 5 are there
    let error = refused(&frame(REQUEST, &body), false).await;
    assert!(
        error.contains("the service path says 1000 bytes, but only 5 are left"),
        "{error}"
    );
}

#[tokio::test]
async fn lengths_that_do_not_add_up_are_refused() {
    let mut body = [
        section(b"Arith"),
        section(b"Mul"),
        section(b""),
        section(b"\x80"),
    ]
    .concat();
    body.extend_from_slice(b"tail");
    let error = refused(&frame(REQUEST, &body), false).await;
    assert!(error.contains("4 bytes after the payload"), "{error}");
}

#[tokio::test]
async fn a_metadata_key_without_a_value_is_refused() {
    let metadata = section(b"__ID");
    let body = [
        section(b"Arith"),
        section(b"Mul"),
        section(&metadata),
        section(b"\x80"),
    ]
    .concat();
    let error = refused(&frame(REQUEST, &body), false).await;
    assert!(
        error.contains("metadata key \"__ID\" has no value"),
        "{error}"
    );
}

#[tokio::test]
async fn unknown_types_are_refused() {
    let body = [
        section(b"Arith"),
        section(b"Mul"),
        section(b""),
        section(b"\x80"),
    ]
    .concat();
    let mut serialize = REQUEST;
    serialize[3] = 0x90;
    assert!(
        refused(&frame(serialize, &body), false)
            .await
            .contains("unknown serialize type 9")
    );
    let mut compress = REQUEST;
    compress[2] = 0x0C; // compression 3
    assert!(
        refused(&frame(compress, &body), false)
            .await
            .contains("unknown compression type 3")
    );
    let mut status = REQUEST;
    status[2] = 0x02;
    assert!(
        refused(&frame(status, &body), false)
            .await
            .contains("unknown status 2")
    );
}

#[tokio::test]
async fn a_gzip_bomb_is_not_inflated() {
    // 8 MiB of zeros, gzipped to a few KiB: inflated, twice the limit.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..8 {
        encoder.write_all(&zeros).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    let header = Header {
        compress: Compress::Gzip,
        ..Header::request(1, Serialize::MsgPack)
    };
    let body = [
        section(b"Arith"),
        section(b"Mul"),
        section(b""),
        section(&bomb),
    ]
    .concat();
    let error = refused(&frame(header.to_bytes(), &body), false).await;
    assert!(error.contains("inflates past"), "{error}");
    let not_gzip = [
        section(b"Arith"),
        section(b"Mul"),
        section(b""),
        section(b"plain"),
    ]
    .concat();
    let error = refused(&frame(header.to_bytes(), &not_gzip), false).await;
    assert!(error.contains("not gzip"), "{error}");
}

#[tokio::test]
async fn a_response_where_a_request_belongs_is_refused() {
    let answer = Header::request(3, Serialize::MsgPack).answer();
    let error = refused(&request(answer, b"\x38"), false).await;
    assert!(
        error.contains("a response where a request belongs"),
        "{error}"
    );
}
