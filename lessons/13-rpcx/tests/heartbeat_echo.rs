//! `rpcx.heartbeat`: the heartbeat, held against the bytes rpcx's own client sent
//! (`tests/fixtures/heartbeat_request.bin`, see `tests/example/wire.rs` for where the fixtures come
//! from), and its echo checked against the lesson's server and against servers that answer
//! wrong.

mod support;

use std::time::Duration;

use l13_rpcx::connection::{CallError, Connection};
use l13_rpcx::exercises::heartbeat::{heartbeat, ping};
use l13_rpcx::header::Serialize;
use l13_rpcx::message::{self, Message};
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

/// What rpcx v1.6.2's client sent as its first heartbeat (`Option.Heartbeat = true`).
const RPCX_HEARTBEAT: &[u8] = include_bytes!("fixtures/heartbeat_request.bin");

#[tokio::test]
async fn the_heartbeat_is_byte_for_byte_what_rpcx_sends() {
    let sent = message::read(&mut &RPCX_HEARTBEAT[..])
        .await
        .expect("the fixture reads")
        .expect("one message");
    assert_eq!(
        sent.payload.len(),
        9,
        "rpcx's heartbeat payload is a 9-byte MsgPack int64"
    );
    let nanos = i64::from_be_bytes(sent.payload[1..].try_into().unwrap());
    let ours = heartbeat(sent.header.seq, nanos);
    testkit::bytes::same_bytes(
        &ours.encode(),
        RPCX_HEARTBEAT,
        &format!(
            "heartbeat({}, {nanos}), against the bytes rpcx's client sent",
            sent.header.seq
        ),
    );
}

#[test]
fn the_time_is_always_nine_bytes() {
    for (nanos, payload) in [
        (5, "d30000000000000005"),
        (0, "d30000000000000000"),
        (-1, "d3ffffffffffffffff"),
        (1_764_000_000_123_456_789, "d3187afca76f25cd15"),
    ] {
        let message = heartbeat(7, nanos);
        testkit::bytes::same_bytes(
            &message.payload,
            &hex::decode(payload).unwrap(),
            &format!("the payload of heartbeat(7, {nanos})"),
        );
        assert_eq!(message.header.seq, 7, "the sequence number given");
        assert!(
            message.header.heartbeat && !message.header.response,
            "a heartbeat request"
        );
        assert_eq!(
            message.header.serialize,
            Serialize::MsgPack,
            "rpcx sends heartbeats in MsgPack"
        );
        assert!(
            message.service_path.is_empty()
                && message.service_method.is_empty()
                && message.metadata.is_empty(),
            "a heartbeat names no service, method or metadata"
        );
    }
}

#[tokio::test]
async fn the_lessons_server_echoes_it() {
    let server = support::server(Duration::ZERO).await;
    let connection = Connection::connect(&server.addr.to_string(), Serialize::MsgPack)
        .await
        .expect("connect");
    within(
        "the echo of a heartbeat",
        ping(&connection, 1_764_000_000_000_000_000),
    )
    .await
    .expect("the server echoes the heartbeat");
    // The connection still carries calls.
    let product: i64 = connection
        .call("Arith", "Mul", &l13_rpcx::arith::Args { a: 6, b: 7 })
        .await
        .expect("Mul");
    assert_eq!(product, 42);
}

/// A server that answers the first message it reads with `answer(message)`, or closes.
async fn answering(answer: fn(Message) -> Option<Message>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let request = message::read(&mut stream).await.unwrap().unwrap();
        if let Some(answer) = answer(request) {
            stream.write_all(&answer.encode()).await.unwrap();
            // Held open: the client must judge by the answer, not by a close.
            std::future::pending::<()>().await;
        }
    });
    addr
}

async fn ping_at(addr: &str) -> Result<Duration, CallError> {
    let connection = Connection::connect(addr, Serialize::MsgPack)
        .await
        .expect("connect");
    within("an answer to the heartbeat", ping(&connection, 42)).await
}

#[tokio::test]
async fn an_echo_with_another_payload_is_an_error() {
    let addr = answering(|mut request| {
        request.header = request.header.answer();
        request.payload = vec![0xd3, 0, 0, 0, 0, 0, 0, 0, 43];
        Some(request)
    })
    .await;
    let error = ping_at(&addr)
        .await
        .expect_err("a payload that is not the one sent");
    assert!(
        matches!(error, CallError::Payload(_)),
        "expected CallError::Payload, got {error:?}"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_a_heartbeat_is_an_error() {
    let addr = answering(|mut request| {
        request.header = request.header.answer();
        request.header.heartbeat = false;
        Some(request)
    })
    .await;
    let error = ping_at(&addr)
        .await
        .expect_err("a response without the heartbeat bit");
    assert!(
        matches!(error, CallError::Payload(_)),
        "expected CallError::Payload, got {error:?}"
    );
}

#[tokio::test]
async fn a_request_sent_back_is_not_an_answer() {
    // The same bytes, not marked a response: a peer that echoes blindly.
    let addr = answering(Some).await;
    let error = ping_at(&addr)
        .await
        .expect_err("a request is not an answer");
    assert!(
        matches!(error, CallError::Payload(_)),
        "expected CallError::Payload, got {error:?}"
    );
}

#[tokio::test]
async fn a_server_that_closes_is_an_error() {
    let addr = answering(|_| None).await;
    let error = ping_at(&addr).await.expect_err("no answer at all");
    assert!(
        matches!(error, CallError::Lost(_)),
        "expected CallError::Lost, got {error:?}"
    );
}
