//! Frames that read, but ask for what the server will not do: a flood of heartbeats is cut
//! off with an error and a closed connection; a call whose payload is wrong (not MsgPack,
//! nested far too deep, an unknown method) gets an error answer, and the connection stays.

use std::time::Duration;

use l13_rpcx::arith::Args;
use l13_rpcx::connection::{CallError, Connection};
use l13_rpcx::header::{Header, Serialize};
use l13_rpcx::message::{self, Message};
use l13_rpcx::server::HEARTBEATS_PER_SECOND;
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[tokio::test]
async fn a_flood_of_heartbeats_is_cut_off() {
    let heartbeat = Header {
        heartbeat: true,
        ..Header::request(0, Serialize::MsgPack)
    };
    let one = Message {
        header: heartbeat,
        service_path: String::new(),
        service_method: String::new(),
        metadata: Vec::new(),
        payload: vec![0xd3, 0, 0, 0, 0, 0, 0, 0, 1],
    }
    .encode();
    let server = crate::support::server(Duration::ZERO).await;
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    stream
        .write_all(&one.repeat(1000))
        .await
        .expect("send a thousand heartbeats");
    let mut echoes = 0;
    let error = testkit::within("the error that cuts a flood of heartbeats", async {
        loop {
            let answer = within("an answer", message::read(&mut stream))
                .await
                .expect("readable")
                .expect("an answer");
            match answer.service_error() {
                None => echoes += 1,
                Some(error) => break error.to_string(),
            }
        }
    })
    .await;
    // Each second's first ten are answered, then the connection is cut: on a machine that
    // stalls mid-flood a second window may open, but a thousand never all come back.
    assert!(
        (HEARTBEATS_PER_SECOND..1000).contains(&echoes),
        "{echoes} echoes before the cut-off: at least {HEARTBEATS_PER_SECOND}, never all"
    );
    assert!(error.contains("heartbeats in a second"), "{error}");
}

#[tokio::test]
async fn a_bad_payload_is_an_error_answer_and_the_connection_stays() {
    let server = crate::support::server(Duration::ZERO).await;
    let connection = Connection::connect(&server.addr.to_string(), Serialize::MsgPack)
        .await
        .expect("connect");
    // Not MsgPack; a map nested 100 000 deep under a key Args does not have; JSON as deep.
    let nested_msgpack = [b"\x81\xa1X".to_vec(), vec![0x91; 100_000], vec![0xc0]].concat();
    let nested_json = format!("{{\"X\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    for (format, payload) in [
        (Serialize::MsgPack, b"\xc1".to_vec()),
        (Serialize::MsgPack, nested_msgpack),
        (Serialize::Json, nested_json.into_bytes()),
        (Serialize::Protobuf, vec![0x08]),
        (Serialize::None, b"raw".to_vec()),
    ] {
        let request = Message {
            header: Header::request(connection.next_seq(), format),
            service_path: "Arith".into(),
            service_method: "Mul".into(),
            metadata: Vec::new(),
            payload,
        };
        let answer = within("an answer", connection.send(request))
            .await
            .expect("an answer");
        assert!(
            answer.service_error().is_some(),
            "a {format:?} payload that is not Args is an error answer"
        );
    }
    for (service, method, expected) in [
        ("Arith", "Pow", "rpcx: can't find method Pow"),
        ("Calc", "Mul", "rpcx: can't find service Calc"),
    ] {
        let error = connection
            .call::<_, i64>(service, method, &Args { a: 1, b: 1 })
            .await
            .expect_err("not there");
        assert_eq!(error, CallError::Service(expected.into()));
    }
    let error = connection
        .call::<_, i64>("Arith", "Mul", &Args { a: i64::MAX, b: 2 })
        .await
        .expect_err("overflow");
    assert!(
        matches!(&error, CallError::Service(why) if why.contains("overflows")),
        "{error:?}"
    );
    let product: i64 = connection
        .call("Arith", "Mul", &Args { a: 6, b: 7 })
        .await
        .expect("the same connection still calls");
    assert_eq!(product, 42);
}
