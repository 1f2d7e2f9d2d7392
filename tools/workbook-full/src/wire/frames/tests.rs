use super::*;

fn frame(json: &str) -> Vec<u8> {
    let mut bytes = (json.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(json.as_bytes());
    bytes
}

#[test]
fn frames_split_anywhere_arrive_whole() {
    let mut bytes = frame(r#"{"id":1,"method":"hello.HelloWorld","params":"gopher"}"#);
    bytes.extend(frame(
        r#"{"id":2,"method":"hello.HelloWorld","params":"ada"}"#,
    ));
    let mut decoder = Frames::default();
    let mut out = Vec::new();
    for byte in &bytes {
        decoder.feed(Direction::ToServer, std::slice::from_ref(byte), &mut out);
    }
    assert_eq!(out.len(), 2);
    assert_eq!(
        out[0].summary,
        "frame of 54 bytes: request id 1 hello.HelloWorld(\"gopher\")"
    );
    assert_eq!(out[0].spans[0].label, "length = 54 (4 bytes, big-endian)");
    assert_eq!(out[0].spans[1].label, "\"id\" member");
}

#[test]
fn the_http_head_comes_before_the_frames() {
    let mut bytes = b"HTTP/1.0 200 Connected to RPC\r\n\r\n".to_vec();
    bytes.extend(frame(r#"{"id":1,"result":"gopher hello world"}"#));
    let mut decoder = Frames::default();
    let mut out = Vec::new();
    decoder.feed(Direction::ToClient, &bytes, &mut out);
    assert_eq!(out[0].summary, "HTTP: HTTP/1.0 200 Connected to RPC");
    assert_eq!(
        out[1].summary,
        "frame of 38 bytes: reply id 1: \"gopher hello world\""
    );
}

#[test]
fn a_huge_length_is_broken_and_the_rest_shown_raw() {
    let mut decoder = Frames::default();
    let mut out = Vec::new();
    decoder.feed(Direction::ToServer, b"\xff\xff\xff\xffjunk", &mut out);
    decoder.feed(Direction::ToServer, b"more", &mut out);
    decoder.finish(Direction::ToServer, &mut out);
    assert!(out[0].broken && out[0].summary.contains("over the limit"));
    assert_eq!(out[0].bytes, b"\xff\xff\xff\xffjunk");
    assert_eq!(out[1].bytes, b"more");
    assert_eq!(out.len(), 2);
}
