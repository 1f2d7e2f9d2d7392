use super::*;

#[test]
fn a_reply_waits_for_the_window_then_ends() {
    let mut stream = Stream::new(1, Phase::Receiving(Route::SayHello), 3);
    stream.phase = Phase::Replying;
    stream.queue(b"12345");
    let mut connection = 100;
    let mut out = Vec::new();
    assert!(
        !stream.flush(&mut out, &mut connection, 16_384),
        "only 3 bytes fit"
    );
    assert_eq!((stream.outbox.len(), connection), (2, 97));
    let (head, payload, _) = frame::next(&out).unwrap();
    assert_eq!((head.kind, payload), (kind::DATA, &b"123"[..]));

    stream.send_window += 10;
    out.clear();
    assert!(
        stream.flush(&mut out, &mut connection, 16_384),
        "the rest and the trailers"
    );
    let (head, payload, used) = frame::next(&out).unwrap();
    assert_eq!((head.kind, payload), (kind::DATA, &b"45"[..]));
    let (trailers, _, _) = frame::next(&out[used..]).unwrap();
    assert!(trailers.kind == kind::HEADERS && trailers.has(flag::END_STREAM));
}

#[test]
fn an_http_answer_ends_with_its_last_data_frame() {
    let mut stream = Stream::new(1, Phase::Http, 3);
    stream.queue(b"hello");
    let (mut connection, mut out) = (100, Vec::new());
    assert!(!stream.flush(&mut out, &mut connection, 16_384));
    let (head, payload, _) = frame::next(&out).unwrap();
    assert_eq!((payload, head.has(flag::END_STREAM)), (&b"hel"[..], false));

    stream.send_window += 10;
    out.clear();
    assert!(stream.flush(&mut out, &mut connection, 16_384), "over");
    let (head, payload, used) = frame::next(&out).unwrap();
    assert_eq!((payload, head.has(flag::END_STREAM)), (&b"lo"[..], true));
    assert_eq!(used, out.len(), "no trailers: this is not gRPC");
}

#[test]
fn frames_are_cut_to_the_clients_size() {
    let mut stream = Stream::new(1, Phase::Receiving(Route::SayHello), 1 << 20);
    stream.phase = Phase::Replying;
    stream.queue(&[7; 40_000]);
    let (mut connection, mut out) = (1 << 20, Vec::new());
    assert!(stream.flush(&mut out, &mut connection, 16_384));
    let mut sizes = Vec::new();
    let mut rest = &out[..];
    while let Some((head, _, used)) = frame::next(rest) {
        sizes.push((head.kind, head.len));
        rest = &rest[used..];
    }
    assert_eq!(sizes, [(0, 16_384), (0, 16_384), (0, 7_232), (1, 15)]);
}
