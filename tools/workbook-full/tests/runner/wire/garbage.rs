//! A client sending garbage through the relay: each connection's bytes are reported broken
//! in the feed, and the relay and the server stay up for the next real call.

use testkit::ServerProcess;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::relay::Relay;
use super::{PATIENCE, client, lesson};

#[tokio::test]
async fn garbage_through_the_relay_leaves_relay_and_server_up() {
    let server =
        ServerProcess::start(lesson("l05-grpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("grpc", server.addr()).await;
    let garbage: [&[u8]; 3] = [
        b"GET / HTTP/1.1\r\n\r\n",
        // The preface, then a frame header that announces 16 MiB and sends 3 bytes.
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\x00\x00\x00\x00\x00\x01abc",
        // The preface, then SETTINGS of 5 bytes (entries are 6).
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x05\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00",
    ];
    for bytes in garbage {
        let mut stream = TcpStream::connect(relay.addr()).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        stream.write_all(&[0x5a; 70_000]).await.unwrap();
        // Whatever the server answers, until it closes.
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            PATIENCE,
            tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut sink),
        )
        .await;
    }
    // Each connection is decoded by a task of its own: their events may come in any order.
    for text in [
        "not HTTP/2",
        "too large to show",
        "cannot have a payload of 5 bytes",
    ] {
        relay.expect(&[text]).await;
    }
    assert!(relay.events.iter().any(|e| e["broken"] == true));

    // Both still up: a real call goes through.
    let printed = client("l05-grpc", &["client", "--addr", &relay.addr(), "after"]);
    assert!(printed.contains("Hello after!"), "{printed}");
}
