//! `grpc-fast` against the bytes a real grpc-go client writes.
//!
//! The bytes below are what grpc-go 1.33.3's client (Debian's golang-google-grpc-dev, Go
//! 1.19) sent to this server for two calls on one connection, captured on loopback by
//! a relay that copied them to a file:
//!
//! ```go
//! conn, _ := grpc.Dial(addr, grpc.WithInsecure(), grpc.WithBlock())
//! client := hello.NewGreeterClient(conn) // generated from proto/hello.proto
//! client.SayHello(ctx, &hello.HelloRequest{Name: "Gopher"})
//! client.SayName(ctx, &hello.NameRequest{Name: "Gopher"})
//! ```
//!
//! They hold what our own test clients do not write: Huffman-coded header values, headers
//! added to the server's table by the first call and named by index in the second
//! (`c2 c1 c0 bf`), a `user-agent`, a WINDOW_UPDATE, and a PING grpc-go sends to measure
//! the connection (its "BDP ping"). Replayed in one write, they must get both answers.

use http2::frame::{flag, kind};

use super::start;
use crate::raw::Raw;

/// Preface, SETTINGS, SETTINGS ACK, HEADERS and DATA of SayHello on stream 1,
/// WINDOW_UPDATE, PING, HEADERS and DATA of SayName on stream 3.
const GRPC_GO_CLIENT: [&str; 15] = [
    "50 52 49 20 2a 20 48 54 54 50 2f 32 2e 30 0d 0a",
    "0d 0a 53 4d 0d 0a 0d 0a 00 00 00 04 00 00 00 00",
    "00 00 00 00 04 01 00 00 00 00 00 00 46 01 04 00",
    "00 00 01 83 86 45 91 62 72 d1 41 d7 c5 61 4a 92",
    "d8 c6 e1 fa c6 5a 28 3f 41 8a 08 9d 5c 0b 81 70",
    "dc 75 a0 07 5f 8b 1d 75 d0 62 0d 26 3d 4c 4d 65",
    "64 7a 8b 9a ca c8 b4 c7 60 2b b2 ca ec ff 40 02",
    "74 65 86 4d 83 35 05 b1 1f 00 00 0d 00 01 00 00",
    "00 01 00 00 00 00 08 0a 06 47 6f 70 68 65 72 00",
    "00 04 08 00 00 00 00 00 00 00 00 14 00 00 08 06",
    "00 00 00 00 00 02 04 10 10 09 0e 07 07 00 00 18",
    "01 04 00 00 00 03 83 86 45 90 62 72 d1 41 d7 c5",
    "61 4a 92 d8 c6 e1 fa d2 3a 4b c2 c1 c0 bf 00 00",
    "0d 00 01 00 00 00 03 00 00 00 00 08 0a 06 47 6f",
    "70 68 65 72",
];

fn bytes() -> Vec<u8> {
    GRPC_GO_CLIENT
        .iter()
        .flat_map(|line| line.split(' '))
        .map(|byte| u8::from_str_radix(byte, 16).expect("hex"))
        .collect()
}

/// The DATA of `stream` up to its trailers, and the trailers' `grpc-status`.
async fn reply(raw: &mut Raw, stream: u32) -> (Vec<u8>, String) {
    let head = raw.until(kind::HEADERS, stream).await;
    assert_eq!(head.header(":status"), Some("200"));
    assert_eq!(head.header("content-type"), Some("application/grpc"));
    let mut data = Vec::new();
    let deadline = tokio::time::Instant::now() + testkit::PATIENCE;
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no end of stream {stream}'s reply within {:?}; its data so far: {data:?}",
            testkit::PATIENCE
        );
        let frame = raw.next().await.expect("the rest of the reply");
        if frame.head.stream != stream {
            continue;
        }
        match frame.head.kind {
            kind::DATA => data.extend_from_slice(&frame.payload),
            kind::HEADERS if frame.head.has(flag::END_STREAM) => {
                let status = frame.header("grpc-status").unwrap_or("none").to_owned();
                return (data, status);
            }
            other => panic!("frame type {other} in a reply"),
        }
    }
}

#[tokio::test]
async fn a_grpc_go_clients_calls_are_answered() {
    let addr = start(1);
    let socket = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let mut raw = Raw::from_socket(socket);
    raw.send(&bytes()).await;

    let (hello, status) = reply(&mut raw, 1).await;
    assert_eq!(status, "0");
    assert!(hello.ends_with(b"Hello Gopher!"), "{hello:?}");
    let (name, status) = reply(&mut raw, 3).await;
    assert_eq!(status, "0");
    assert!(name.ends_with(b"My name is Gopher"), "{name:?}");
}
