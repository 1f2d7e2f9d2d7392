//! HTTP/2 frames made by hand, whole, split and broken.

use http2::hpack::{self, index};
use proto::hello::HelloRequest;

use super::*;

fn frame(frame_type: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    bytes.extend([frame_type, flags]);
    bytes.extend(stream.to_be_bytes());
    bytes.extend(payload);
    bytes
}

/// A gRPC request's headers. The first time, `:path` and `content-type` are added to the
/// server's table; after that they are named by their index there, as clients do.
fn request_headers(first: bool) -> Vec<u8> {
    let mut block = Vec::new();
    hpack::put_indexed(&mut block, index::METHOD_POST);
    hpack::put_indexed(&mut block, index::SCHEME_HTTP);
    if first {
        hpack::put_added(&mut block, b":path", b"/hello.Greeter/SayHello");
        hpack::put_added(&mut block, b"content-type", b"application/grpc");
    } else {
        hpack::put_indexed(&mut block, index::FIRST_DYNAMIC + 1);
        hpack::put_indexed(&mut block, index::FIRST_DYNAMIC);
    }
    block
}

fn grpc_body(name: &str) -> Vec<u8> {
    grpc::framed(&HelloRequest { name: name.into() })
}

fn decode_all(
    decoder: &mut Http2,
    direction: Direction,
    bytes: &[u8],
    chunk: usize,
) -> Vec<Message> {
    let mut out = Vec::new();
    for piece in bytes.chunks(chunk) {
        decoder.feed(direction, piece, &mut out);
    }
    out
}

#[test]
fn a_call_is_read_frame_by_frame_in_any_chunks() {
    let mut bytes = PREFACE.to_vec();
    bytes.extend(frame(4, 0, 0, &[0, 3, 0, 0, 0, 100, 0, 4, 0, 1, 0, 0]));
    bytes.extend(frame(1, 0x4, 1, &request_headers(true)));
    bytes.extend(frame(0, 0x1, 1, &grpc_body("Ferris")));
    bytes.extend(frame(8, 0, 0, &[0, 0, 0, 16]));
    bytes.extend(frame(6, 0, 0, b"12345678"));
    // The same request again: its headers now come from the dynamic table.
    bytes.extend(frame(1, 0x4, 3, &request_headers(false)));
    bytes.extend(frame(3, 0, 3, &[0, 0, 0, 8]));
    bytes.extend(frame(7, 0, 0, &[0, 0, 0, 3, 0, 0, 0, 0]));
    for chunk in [1, 7, 1000] {
        let out = decode_all(&mut Http2::default(), Direction::ToServer, &bytes, chunk);
        let summaries: Vec<&str> = out.iter().map(|m| m.summary.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "connection preface: PRI * HTTP/2.0",
                "SETTINGS stream 0: MAX_CONCURRENT_STREAMS = 100, INITIAL_WINDOW_SIZE = 65536",
                "HEADERS stream 1, END_HEADERS: POST /hello.Greeter/SayHello",
                r#"DATA stream 1, END_STREAM: 13 bytes; HelloRequest {"name (1)":"Ferris"}"#,
                "WINDOW_UPDATE stream 0: +16 bytes",
                "PING stream 0: 31 32 33 34 35 36 37 38",
                "HEADERS stream 3, END_HEADERS: POST /hello.Greeter/SayHello",
                "RST_STREAM stream 3: CANCEL",
                "GOAWAY stream 0: last stream 3, NO_ERROR",
            ],
            "in chunks of {chunk}"
        );
        assert!(out.iter().all(|m| !m.broken));
        let headers = &out[2];
        assert!(
            headers
                .spans
                .iter()
                .any(|s| s.label == "HPACK indexed (from the table) → :method: POST")
        );
        assert!(
            headers
                .decoded
                .as_deref()
                .unwrap()
                .contains(":path: /hello.Greeter/SayHello")
        );
        let data = &out[3];
        assert!(
            data.spans
                .iter()
                .any(|s| s.label == "gRPC: message length = 8")
        );
        assert!(
            data.spans
                .iter()
                .any(|s| s.label == "field 1 `name` = \"Ferris\"")
        );
    }
}

#[test]
fn the_reply_is_read_with_the_method_of_its_stream() {
    let mut decoder = Http2::default();
    let mut request = PREFACE.to_vec();
    request.extend(frame(1, 0x4, 1, &request_headers(true)));
    decode_all(&mut decoder, Direction::ToServer, &request, 1000);

    let (mut head, mut trailers) = (Vec::new(), Vec::new());
    hpack::put_indexed(&mut head, index::STATUS_200);
    hpack::put_literal(&mut trailers, b"grpc-status", b"0");
    let reply_body = grpc::framed(&proto::hello::HelloReply {
        message: "Hello Ferris".into(),
    });
    let mut reply = frame(1, 0x4, 1, &head);
    reply.extend(frame(0, 0, 1, &reply_body));
    reply.extend(frame(1, 0x5, 1, &trailers));
    let out = decode_all(&mut decoder, Direction::ToClient, &reply, 1000);
    let summaries: Vec<&str> = out.iter().map(|m| m.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "HEADERS stream 1, END_HEADERS: :status 200",
            r#"DATA stream 1: 19 bytes; HelloReply {"message (1)":"Hello Ferris"}"#,
            "HEADERS stream 1, END_STREAM, END_HEADERS: trailers: grpc-status 0",
        ]
    );
}

#[test]
fn broken_frames_are_shown_broken_and_the_next_ones_still_read() {
    let mut bytes = PREFACE.to_vec();
    bytes.extend(frame(4, 0, 0, &[0, 3, 0, 0, 0])); // a SETTINGS entry is 6 bytes
    bytes.extend(frame(6, 0, 0, b"short")); // a PING is 8
    bytes.extend(frame(1, 0x4, 1, b"\xff\xff\xff")); // an HPACK integer that never ends
    bytes.extend(frame(9, 0x4, 1, b"\x82")); // a CONTINUATION with nothing open
    bytes.extend(frame(8, 0, 0, &[0, 0, 0, 1]));
    let out = decode_all(&mut Http2::default(), Direction::ToServer, &bytes, 3);
    let broken: Vec<bool> = out.iter().map(|m| m.broken).collect();
    assert_eq!(broken, [false, true, true, true, true, false]);
    assert!(
        out[1].summary.contains("cannot have a payload of 5 bytes"),
        "{}",
        out[1].summary
    );
    assert_eq!(out[1].bytes.len(), 14);
}

#[test]
fn garbage_instead_of_the_preface_is_shown_raw() {
    let mut decoder = Http2::default();
    let mut out = Vec::new();
    decoder.feed(Direction::ToServer, b"GET / HTTP/1.1\r\n\r\n", &mut out);
    decoder.feed(Direction::ToServer, b"\x00\x01\x02", &mut out);
    decoder.finish(Direction::ToServer, &mut out);
    assert!(out[0].broken && out[0].summary.starts_with("not HTTP/2"));
    assert_eq!(out[1].bytes, b"\x00\x01\x02");
    assert_eq!(out.len(), 2);
}

#[test]
fn a_frame_too_large_to_show_is_passed_over_in_step() {
    let mut decoder = Http2::default();
    let mut bytes = frame(0, 0, 1, &vec![0; MAX_MESSAGE + 10]);
    bytes.extend(frame(6, 1, 0, b"12345678"));
    let out = decode_all(&mut decoder, Direction::ToClient, &bytes, 4096);
    assert_eq!(out.len(), 2);
    assert!(out[0].summary.ends_with("too large to show"));
    assert_eq!(out[0].bytes.len(), 9);
    assert_eq!(
        out[1].summary,
        "PING stream 0, ACK: 31 32 33 34 35 36 37 38"
    );
}
