use super::*;

#[test]
fn status_messages_are_percent_encoded() {
    assert_eq!(percent_encoded("100% sure"), "100%25 sure");
    assert_eq!(percent_encoded("naïve"), "na%C3%AFve");
    assert!(percent_encoded(&"x".repeat(5000)).len() <= MAX_STATUS_MESSAGE);
}

#[test]
fn a_reply_decodes_as_the_client_reads_it() {
    let mut out = Vec::new();
    put_head(&mut out, 1);
    put_ok_trailers(&mut out, 1);
    put_error(&mut out, 3, Code::InvalidArgument, "name must not be empty");
    let mut decoder = hpack::Decoder::default();
    let mut headers = Vec::new();
    let mut rest = &out[..];
    while let Some((head, payload, used)) = frame::next(rest) {
        decoder
            .decode(payload, |n, v| {
                headers.push(format!(
                    "{}: {}",
                    String::from_utf8_lossy(n),
                    String::from_utf8_lossy(v)
                ))
            })
            .unwrap();
        headers.push(format!("-- end of stream {}", head.stream));
        rest = &rest[used..];
    }
    assert_eq!(
        headers,
        [
            ":status: 200",
            "content-type: application/grpc",
            "-- end of stream 1",
            "grpc-status: 0",
            "-- end of stream 1",
            ":status: 200",
            "content-type: application/grpc",
            "grpc-status: 3",
            "grpc-message: name must not be empty",
            "-- end of stream 3",
        ]
    );
}
