use super::*;

// Frames as rpcx v1.6.2's own client and server wrote them (lesson 13's fixtures; where they
// come from is said in lessons/13-rpcx/tests/example/wire.rs).
const MUL_REQUEST: &[u8] =
    include_bytes!("../../../../../lessons/13-rpcx/tests/fixtures/mul_request.bin");
const MUL_RESPONSE: &[u8] =
    include_bytes!("../../../../../lessons/13-rpcx/tests/fixtures/mul_response.bin");
const DIV_BY_ZERO: &[u8] =
    include_bytes!("../../../../../lessons/13-rpcx/tests/fixtures/div_by_zero_response.bin");
const HEARTBEAT: &[u8] =
    include_bytes!("../../../../../lessons/13-rpcx/tests/fixtures/heartbeat_response.bin");
const JSON_REQUEST: &[u8] =
    include_bytes!("../../../../../lessons/13-rpcx/tests/fixtures/mul_json_request.bin");
const GZIP_REQUEST: &[u8] =
    include_bytes!("../../../../../lessons/13-rpcx/tests/fixtures/mul_gzip_large_request.bin");

fn decode(direction: Direction, bytes: &[u8]) -> Vec<Message> {
    let mut decoder = Rpcx::default();
    let mut out = Vec::new();
    // A byte at a time: a frame split anywhere arrives whole.
    for byte in bytes {
        decoder.feed(direction, std::slice::from_ref(byte), &mut out);
    }
    out
}

#[test]
fn rpcxs_frames_are_named_field_by_field() {
    let stream = [MUL_REQUEST, JSON_REQUEST, GZIP_REQUEST].concat();
    let out = decode(Direction::ToServer, &stream);
    let summaries: Vec<&str> = out.iter().map(|message| message.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            r#"request, seq 0: Arith.Mul {"A":7,"B":8}"#,
            r#"request, seq 0: Arith.Mul {"A":7,"B":8}"#,
            "request, gzip, seq 0: Arith.Mul (1147 bytes of gzip)",
        ]
    );
    let labels: Vec<&str> = out[0]
        .spans
        .iter()
        .map(|span| span.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "magic number 0x08",
            "version 0",
            "flags 0x00: request",
            "serialize type 3: MsgPack",
            "seq = 0 (8 bytes, big-endian)",
            "total length = 31",
            "service path length = 5",
            "service path",
            "method length = 3",
            "method",
            "metadata length = 0",
            "payload length = 7",
            "payload",
        ]
    );
}

#[test]
fn answers_errors_and_heartbeats_say_what_they_are() {
    let out = decode(
        Direction::ToClient,
        &[MUL_RESPONSE, DIV_BY_ZERO, HEARTBEAT].concat(),
    );
    let summaries: Vec<&str> = out.iter().map(|message| message.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "response, seq 0: Arith.Mul 56",
            "response, error, seq 0: Arith.Div failed: divide by 0",
            "response, heartbeat, seq 1 1795599752604758267",
        ]
    );
    assert_eq!(
        out[1].decoded.as_deref(),
        Some("__rpcx_error__ = divide by 0\n{\"Quo\":0,\"Rem\":0}")
    );
}

#[test]
fn what_is_not_rpcx_is_shown_broken() {
    let out = decode(Direction::ToServer, b"GET / HTTP/1.1\r\n\r\n");
    assert!(out[0].broken, "{:?}", out[0]);
    assert_eq!(
        out[0].summary,
        "wrong magic number 0x47: an rpcx frame starts with 0x08"
    );

    // A path longer than the frame.
    let mut frame = MUL_REQUEST.to_vec();
    frame[16..20].copy_from_slice(&500u32.to_be_bytes());
    let out = decode(Direction::ToServer, &frame);
    assert!(out[0].broken);
    assert_eq!(
        out[0].summary,
        "not an rpcx frame: the service path says 500 bytes, past the frame's end"
    );

    // 4 GiB promised: never waited for.
    let mut huge = MUL_REQUEST[..12].to_vec();
    huge.extend_from_slice(&u32::MAX.to_be_bytes());
    let out = decode(Direction::ToServer, &huge);
    assert!(
        out[0].broken
            && out[0]
                .summary
                .starts_with("the total length says 4294967295 bytes")
    );
}
