use super::*;

#[test]
fn a_post_and_its_chunked_reply() {
    let mut decoder = Http1::default();
    let mut out = Vec::new();
    let body = r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":"ada","id":0}"#;
    let request = format!(
        "POST / HTTP/1.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let (first, second) = request.as_bytes().split_at(30);
    decoder.feed(Direction::ToServer, first, &mut out);
    assert!(out.is_empty());
    decoder.feed(Direction::ToServer, second, &mut out);
    assert_eq!(
        out[0].summary,
        "POST / HTTP/1.1: request id 0 hello.HelloWorld(\"ada\")"
    );
    decoder.feed(
        Direction::ToClient,
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\n\"hi!\"\r\n0\r\n\r\n",
        &mut out,
    );
    assert_eq!(out[1].summary, "HTTP/1.1 200 OK: JSON \"hi!\"");
}

/// Lesson 12's HTTP broker POSTs go-micro's bytes to `/?id=<node id>` (reqwest's head,
/// `Content-Type: application/json`); the subscriber answers 200 with no body.
#[test]
fn a_broker_post_shows_its_topic_and_body() {
    let body = super::broker::GO_POST_BODY;
    let request = format!(
        "POST /?id=go.micro.srv.t1-6c9b3a2e-0f4d-4e58-9a71-3d2b5c8e1f07 HTTP/1.1\r\n\
         content-type: application/json\r\naccept: */*\r\nhost: 127.0.0.1:7212\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut decoder = Http1::default();
    let mut out = Vec::new();
    for piece in request.as_bytes().chunks(50) {
        decoder.feed(Direction::ToServer, piece, &mut out);
    }
    decoder.feed(
        Direction::ToClient,
        b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
        &mut out,
    );
    assert_eq!(
        out[0].summary,
        "POST /?id=go.micro.srv.t1-6c9b3a2e-0f4d-4e58-9a71-3d2b5c8e1f07 HTTP/1.1: \
         broker message on go.micro.srv.t1, body protobuf, no schema: {\"1\":\"hello\"}"
    );
    assert!(!out[0].broken);
    let decoded = out[0].decoded.as_deref().unwrap();
    assert!(
        decoded.contains("  Micro-Topic: go.micro.srv.t1"),
        "{decoded}"
    );
    let body_span = out[0].spans.iter().find(|s| s.label == "\"Body\" member");
    let head_end = request.find("\r\n\r\n").unwrap() + 4;
    let body_at = head_end + body.find("\"Body\"").unwrap();
    assert_eq!(body_span.map(|s| s.start), Some(body_at));
    assert_eq!(out[1].summary, "HTTP/1.1 200 OK");
}

#[test]
fn garbage_is_broken_not_awaited() {
    let mut decoder = Http1::default();
    let mut out = Vec::new();
    decoder.feed(Direction::ToServer, b"\x00\x01garbage", &mut out);
    decoder.feed(Direction::ToServer, b"more", &mut out);
    assert!(out[0].broken);
    assert_eq!(out[1].bytes, b"more");
}
