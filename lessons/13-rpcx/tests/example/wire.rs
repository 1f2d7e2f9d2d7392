//! rpcx's frames as rpcx itself writes them. Every file in `tests/fixtures/` is one frame
//! recorded on the wire between rpcx v1.6.2's own client and server (github.com/smallnest/rpcx
//! at tag v1.6.2, commit 4e86bcacc2e0435d9959895adf9cf4495627340f; its MsgPack codec
//! github.com/vmihailenco/msgpack/v5 v5.2.0, commit 55929a3a69b5741c0f2b951dcf668a6375232992;
//! built with Go 1.19.8) running the Go course's `Arith`: `<call>_request.bin` is what
//! `client.NewXClient(…, client.DefaultOption)` sent (MsgPack unless the name says `json`,
//! `protobuf` or `gzip`), `<call>_response.bin` what the server answered.
//!
//! Here the lesson reads each of them, writes the same bytes back, and its server answers
//! rpcx's requests with the bytes rpcx's server wrote.

use std::time::Duration;

use l13_rpcx::arith::{Args, Quotient};
use l13_rpcx::codec::decode;
use l13_rpcx::header::{Compress, Serialize};
use l13_rpcx::message::{self, Message};
use testkit::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../fixtures/", $name, ".bin")).as_slice()
    };
}

async fn read(bytes: &[u8]) -> Message {
    let mut reader = bytes;
    let message = message::read(&mut reader)
        .await
        .expect("an rpcx frame")
        .expect("one message");
    assert!(reader.is_empty(), "{} bytes after the frame", reader.len());
    message
}

#[tokio::test]
async fn rpcx_requests_read_as_what_was_called() {
    for (bytes, method, format, args) in [
        (
            fixture!("mul_request"),
            "Mul",
            Serialize::MsgPack,
            Args { a: 7, b: 8 },
        ),
        (
            fixture!("div_request"),
            "Div",
            Serialize::MsgPack,
            Args { a: 17, b: 5 },
        ),
        (
            fixture!("div_by_zero_request"),
            "Div",
            Serialize::MsgPack,
            Args { a: 7, b: 0 },
        ),
        (
            fixture!("unknown_method_request"),
            "Pow",
            Serialize::MsgPack,
            Args { a: 7, b: 8 },
        ),
        (
            fixture!("mul_json_request"),
            "Mul",
            Serialize::Json,
            Args { a: 7, b: 8 },
        ),
        (
            fixture!("mul_protobuf_request"),
            "Mul",
            Serialize::Protobuf,
            Args { a: 7, b: 8 },
        ),
        (
            fixture!("mul_gzip_large_request"),
            "Mul",
            Serialize::MsgPack,
            Args { a: 7, b: 8 },
        ),
        (
            fixture!("oneway_request"),
            "Mul",
            Serialize::MsgPack,
            Args { a: 7, b: 8 },
        ),
    ] {
        let request = read(bytes).await;
        let header = request.header;
        assert!(
            !header.response && !header.heartbeat && !header.error,
            "{method}: a plain request"
        );
        assert_eq!(
            (
                request.service_path.as_str(),
                request.service_method.as_str()
            ),
            ("Arith", method)
        );
        assert_eq!(header.serialize, format, "{method}'s serialize type");
        assert!(
            request.metadata.is_empty(),
            "rpcx's client sends no metadata without a deadline"
        );
        assert_eq!(
            decode::<Args>(format, &request.payload),
            Ok(args),
            "{method}'s arguments"
        );
    }
    assert!(
        read(fixture!("oneway_request")).await.header.oneway,
        "the oneway bit"
    );
    assert_eq!(
        read(fixture!("mul_gzip_large_request"))
            .await
            .header
            .compress,
        Compress::Gzip
    );
}

#[tokio::test]
async fn rpcx_answers_read_as_what_was_returned() {
    let product = read(fixture!("mul_response")).await;
    assert!(product.header.response && product.service_error().is_none());
    assert_eq!(decode::<i64>(Serialize::MsgPack, &product.payload), Ok(56));
    let json = read(fixture!("mul_json_response")).await;
    assert_eq!(decode::<i64>(json.header.serialize, &json.payload), Ok(56));
    let proto = read(fixture!("mul_protobuf_response")).await;
    assert_eq!(
        decode::<i64>(proto.header.serialize, &proto.payload),
        Ok(56)
    );
    let quotient = read(fixture!("div_response")).await;
    assert_eq!(
        decode(quotient.header.serialize, &quotient.payload),
        Ok(Quotient { quo: 3, rem: 2 })
    );

    let by_zero = read(fixture!("div_by_zero_response")).await;
    assert_eq!(by_zero.service_error(), Some("divide by 0"));
    let unknown = read(fixture!("unknown_method_response")).await;
    assert_eq!(unknown.service_error(), Some("rpcx: can't find method Pow"));

    // The server's gzip: stored (uncompressed) deflate blocks, as Go's gzip.Writer writes at
    // level 0, then a sync flush — still gzip, and read as such.
    let echoed = read(fixture!("echo_gzip_response")).await;
    assert_eq!(echoed.header.compress, Compress::Gzip);
    let text: String = rmp_serde::from_slice(&echoed.payload).expect("a MsgPack string");
    assert_eq!(text, "x".repeat(1100));
}

#[tokio::test]
async fn frames_are_written_back_byte_for_byte() {
    for bytes in [
        fixture!("mul_request"),
        fixture!("mul_response"),
        fixture!("div_response"),
        fixture!("div_by_zero_response"),
        fixture!("unknown_method_response"),
        fixture!("mul_json_request"),
        fixture!("mul_protobuf_response"),
        fixture!("heartbeat_request"),
        fixture!("heartbeat_response"),
        fixture!("oneway_request"),
    ] {
        let message = read(bytes).await;
        assert_eq!(
            hex::encode(message.encode()),
            hex::encode(bytes),
            "{message:?} written again"
        );
    }
}

/// Sends `request` to the lesson's server and returns the bytes of the one frame it answers.
async fn answer_of(stream: &mut TcpStream, request: &[u8]) -> Vec<u8> {
    stream.write_all(request).await.expect("send");
    let mut head = [0u8; 16];
    within("the server's answer", stream.read_exact(&mut head))
        .await
        .expect("a header");
    let total = u32::from_be_bytes(head[12..].try_into().unwrap()) as usize;
    let mut frame = head.to_vec();
    frame.resize(16 + total, 0);
    within(
        "the rest of the answer",
        stream.read_exact(&mut frame[16..]),
    )
    .await
    .expect("a body");
    frame
}

#[tokio::test]
async fn the_lessons_server_answers_as_rpcx_does() {
    let server = crate::support::server(Duration::ZERO).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    for (request, response) in [
        (fixture!("mul_request"), fixture!("mul_response")),
        (fixture!("div_request"), fixture!("div_response")),
        (
            fixture!("unknown_method_request"),
            fixture!("unknown_method_response"),
        ),
        (fixture!("mul_json_request"), fixture!("mul_json_response")),
        (
            fixture!("mul_protobuf_request"),
            fixture!("mul_protobuf_response"),
        ),
        (fixture!("mul_gzip_request"), fixture!("mul_gzip_response")),
        (
            fixture!("mul_gzip_large_request"),
            fixture!("mul_gzip_large_response"),
        ),
        (
            fixture!("heartbeat_request"),
            fixture!("heartbeat_response"),
        ),
    ] {
        let ours = answer_of(&mut stream, request).await;
        assert_eq!(
            hex::encode(&ours),
            hex::encode(response),
            "the answer to {:?}",
            read(request).await
        );
    }
}

#[tokio::test]
async fn an_error_is_answered_as_rpcx_does_but_without_a_reply() {
    // rpcx's server also sends the zero reply beside the error (`{Quo: 0, Rem: 0}`), which
    // its client never reads; the lesson's sends none. Everything else is the same.
    let server = crate::support::server(Duration::ZERO).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let ours = read(&answer_of(&mut stream, fixture!("div_by_zero_request")).await).await;
    let rpcx = read(fixture!("div_by_zero_response")).await;
    assert_eq!(
        ours,
        Message {
            payload: Vec::new(),
            ..rpcx
        }
    );
}

#[tokio::test]
async fn a_oneway_request_gets_no_answer() {
    let server = crate::support::server(Duration::ZERO).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(fixture!("oneway_request"))
        .await
        .expect("send");
    // Then a Mul with sequence number 5: the first answer must be its.
    let mut next = fixture!("mul_request").to_vec();
    next[4..12].copy_from_slice(&5u64.to_be_bytes());
    let answer = read(&answer_of(&mut stream, &next).await).await;
    assert_eq!(
        answer.header.seq, 5,
        "the first answer is the second request's: {answer:?}"
    );
}
