use super::*;

#[test]
fn each_header_gets_its_bytes() {
    // RFC 7541, C.3.1: `:method: GET`, `:scheme: http`, `:path: /`, then a literal
    // `:authority: www.example.com` added to the table.
    let block = b"\x82\x86\x84\x41\x0fwww.example.com";
    let mut decoder = HeaderDecoder::default();
    let mut message = Message::default();
    let headers = decoder.decode(block, 9, &mut message).unwrap();
    assert_eq!(headers.len(), 4);
    assert_eq!(headers[3].name, ":authority");
    assert_eq!(headers[3].value, "www.example.com");
    assert_eq!(
        message.spans[0].label,
        "HPACK indexed (from the table) → :method: GET"
    );
    assert_eq!((message.spans[3].start, message.spans[3].end), (12, 29));

    // The next block finds `:authority` in the dynamic table (index 62).
    let mut message = Message::default();
    let headers = decoder.decode(b"\xbe", 0, &mut message).unwrap();
    assert_eq!(headers[0].value, "www.example.com");
}

#[test]
fn a_table_size_update_is_shown_with_the_header_after_it() {
    let mut message = Message::default();
    let headers = HeaderDecoder::default()
        .decode(b"\x3f\x81\x1f\x82", 0, &mut message)
        .unwrap();
    assert_eq!(headers.len(), 1);
    assert_eq!((message.spans[0].start, message.spans[0].end), (0, 4));
}

#[test]
fn broken_blocks_are_errors() {
    let mut message = Message::default();
    assert!(
        HeaderDecoder::default()
            .decode(b"\x41\x7f", 0, &mut message)
            .is_err()
    );
    assert!(
        HeaderDecoder::default()
            .decode(b"\xff\xff\xff", 0, &mut message)
            .is_err()
    );
    assert!(
        HeaderDecoder::default()
            .decode(b"\x20", 0, &mut message)
            .is_err()
    );
}
