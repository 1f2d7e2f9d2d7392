//! `grpc-fast` reads HTTP/2 frames itself, so it must refuse what breaks the protocol
//! as the worked example's `h2` does: a connection that breaks a rule ends with a GOAWAY that
//! names the error, a call that breaks a limit is refused alone, nothing makes the server
//! hold more than its limits, and every other connection is served throughout.

use http2::frame::{self, error, flag, kind, setting};
use http2::hpack;

use super::{say_hello, start};
use crate::raw::{Raw, call_data, call_headers};

/// After each hostile connection, an ordinary call on another one is still answered.
async fn others_are_served(addr: &str) {
    assert_eq!(say_hello(addr, "Ferris").await, "Hello Ferris!");
}

#[tokio::test]
async fn a_client_that_does_not_speak_http2_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = start(1);
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    socket
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    // The server closes the connection: an end of stream, or a reset, since it left
    // bytes of the request unread. Either way, not a hang.
    let mut answer = Vec::new();
    let _ = testkit::within("the server to close", socket.read_to_end(&mut answer)).await;
    others_are_served(&addr).await;
}

#[tokio::test]
async fn a_frame_over_16_kib_is_refused_before_it_is_read() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[]).await;
    // A DATA frame that claims 16 MiB, of which nothing follows.
    raw.send(&[0xff, 0xff, 0xff, kind::DATA, 0, 0, 0, 0, 1])
        .await;
    let (code, why) = raw.goaway().await;
    assert_eq!(code, error::FRAME_SIZE_ERROR, "{why}");
    others_are_served(&addr).await;
}

#[tokio::test]
async fn headers_that_do_not_decode_end_the_connection() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[]).await;
    // 0xbe names entry 62 of a header table that is still empty.
    let mut out = Vec::new();
    frame::put(&mut out, kind::HEADERS, flag::END_HEADERS, 1, &[0x83, 0xbe]);
    raw.send(&out).await;
    let (code, why) = raw.goaway().await;
    assert_eq!(code, error::COMPRESSION_ERROR, "{why}");
    assert!(why.contains("62"), "{why}");
    others_are_served(&addr).await;
}

#[tokio::test]
async fn endless_continuation_frames_are_stopped() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[]).await;
    let mut out = Vec::new();
    frame::put(&mut out, kind::HEADERS, 0, 1, &[0x83]);
    // Literal headers, 16 KiB a frame, never END_HEADERS.
    let mut fragment = Vec::new();
    hpack::put_literal(&mut fragment, b"x-pad", &[b'p'; 16_000]);
    for _ in 0..8 {
        frame::put(&mut out, kind::CONTINUATION, 0, 1, &fragment);
    }
    raw.send(&out).await;
    let (code, why) = raw.goaway().await;
    assert_eq!(code, error::ENHANCE_YOUR_CALM, "{why}");
    others_are_served(&addr).await;
}

#[tokio::test]
async fn a_reply_waits_for_a_client_that_gives_no_window() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[(setting::INITIAL_WINDOW_SIZE, 0)]).await;
    let mut out = Vec::new();
    call_headers(&mut out, 1, 0);
    call_data(&mut out, 1, "patient");
    raw.send(&out).await;
    // The reply's head may go (HEADERS are not flow-controlled), its message may not.
    let head = raw.until(kind::HEADERS, 1).await;
    assert_eq!(head.header(":status"), Some("200"));
    let mut ping = Vec::new();
    frame::put(&mut ping, kind::PING, 0, 0, b"12345678");
    raw.send(&ping).await;
    let pong = raw.next().await.expect("the PING's answer");
    assert_eq!(
        (pong.head.kind, pong.head.flags, &pong.payload[..]),
        (kind::PING, flag::ACK, &b"12345678"[..]),
        "nothing but the PING's answer may come before the window opens"
    );
    // Room for the message, in two steps.
    let mut update = Vec::new();
    frame::put_window_update(&mut update, 1, 10);
    raw.send(&update).await;
    let first = raw.until(kind::DATA, 1).await;
    assert_eq!(first.payload.len(), 10);
    update.clear();
    frame::put_window_update(&mut update, 1, 100);
    raw.send(&update).await;
    let rest = raw.until(kind::DATA, 1).await;
    let message = [first.payload, rest.payload].concat();
    assert!(message.ends_with(b"Hello patient!"), "{message:?}");
    let trailers = raw.until(kind::HEADERS, 1).await;
    assert_eq!(trailers.header("grpc-status"), Some("0"));
    assert!(trailers.head.has(flag::END_STREAM));
}

#[tokio::test]
async fn calls_over_the_stream_limit_are_refused_alone() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[]).await;
    let limit = shared::grpc::MAX_STREAMS_PER_CONNECTION;
    let mut out = Vec::new();
    // `limit` calls opened and left unfinished, then one more.
    for n in 0..=limit {
        call_headers(&mut out, 2 * n + 1, 0);
    }
    raw.send(&out).await;
    let over = 2 * limit + 1;
    let reset = raw.until(kind::RST_STREAM, over).await;
    assert_eq!(
        frame::u32_at(&reset.payload, 0),
        Some(error::REFUSED_STREAM)
    );
    // The first of them can still finish.
    out.clear();
    call_data(&mut out, 1, "first");
    raw.send(&out).await;
    assert_eq!(raw.trailers(1).await.header("grpc-status"), Some("0"));
    others_are_served(&addr).await;
}

#[tokio::test]
async fn a_message_over_4_mib_is_refused_when_its_prefix_arrives() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[]).await;
    let mut out = Vec::new();
    call_headers(&mut out, 1, 0);
    // The prefix announces 5 MiB; the first kilobyte of it follows.
    let mut data = Vec::new();
    shared::grpc::message::put_prefix(&mut data, 5 << 20);
    data.extend_from_slice(&[0; 1024]);
    frame::put(&mut out, kind::DATA, 0, 1, &data);
    raw.send(&out).await;
    let answer = raw.until(kind::HEADERS, 1).await;
    assert_eq!(
        answer.header("grpc-status"),
        Some("8"),
        "RESOURCE_EXHAUSTED"
    );
    assert!(
        answer
            .header("grpc-message")
            .unwrap()
            .contains("over 4194304 bytes")
    );
    let reset = raw.until(kind::RST_STREAM, 1).await;
    assert_eq!(frame::u32_at(&reset.payload, 0), Some(error::NO_ERROR));
    others_are_served(&addr).await;
}

#[tokio::test]
async fn a_request_that_is_not_grpc_gets_an_http_status() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[]).await;
    raw.send(&whole_request(1, b"/hello.Greeter/SayHello", b"text/plain"))
        .await;
    let answer = raw.until(kind::HEADERS, 1).await;
    assert_eq!(answer.header(":status"), Some("415"));
    // And an unknown method of a real gRPC call is UNIMPLEMENTED, with its path named.
    let unknown = whole_request(3, b"/hello.Greeter/SayGoodbye", b"application/grpc");
    raw.send(&unknown).await;
    let answer = raw.until(kind::HEADERS, 3).await;
    assert_eq!(answer.header("grpc-status"), Some("12"));
    assert!(
        answer
            .header("grpc-message")
            .unwrap()
            .contains("SayGoodbye")
    );
}

/// A request that is all headers (END_STREAM on its HEADERS): POST to `path`.
fn whole_request(stream: u32, path: &[u8], content_type: &[u8]) -> Vec<u8> {
    let mut block = Vec::new();
    hpack::put_indexed(&mut block, hpack::index::METHOD_POST);
    hpack::put_indexed(&mut block, hpack::index::SCHEME_HTTP);
    hpack::put_with_name_index(&mut block, hpack::index::PATH, path);
    hpack::put_with_name_index(&mut block, hpack::index::CONTENT_TYPE, content_type);
    let mut out = Vec::new();
    let flags = flag::END_HEADERS | flag::END_STREAM;
    frame::put(&mut out, kind::HEADERS, flags, stream, &block);
    out
}
