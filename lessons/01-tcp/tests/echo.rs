//! Checks `tcp.echo`: `cargo test -p l01-tcp --test echo`.

mod support;

use l01_tcp::exercises::echo::echo_one;
use support::{connect, echo_round_trip, expect_closed, listener};
use testkit::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn echoes_what_it_reads() {
    let (listener, addr) = listener().await;
    tokio::spawn(echo_one(listener));
    let mut client = connect(addr).await;

    let reply = echo_round_trip(&mut client, b"hello\n").await;
    assert_eq!(
        reply,
        b"hello\n",
        "sent \"hello\\n\", got {:?}",
        String::from_utf8_lossy(&reply)
    );
    let reply = echo_round_trip(&mut client, b"and again").await;
    assert_eq!(reply, b"and again", "the second message came back changed");
}

#[tokio::test]
async fn echoes_more_than_one_buffer_full() {
    let (listener, addr) = listener().await;
    tokio::spawn(echo_one(listener));
    let client = connect(addr).await;

    // 1 MB in both directions at once: more than any single read returns.
    let message: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let (mut from_server, mut to_server) = client.into_split();
    let sent = message.clone();
    let writer = tokio::spawn(async move {
        to_server.write_all(&sent).await.expect("write 1 MB");
        to_server.shutdown().await.expect("close the sending side");
    });
    let mut reply = Vec::new();
    within(
        "1 MB echoed back and the connection closed",
        from_server.read_to_end(&mut reply),
    )
    .await
    .expect("read the echo");
    within("the writer to send 1 MB", writer)
        .await
        .expect("the writer task");
    assert_eq!(
        reply.len(),
        message.len(),
        "sent {} bytes, got {} back",
        message.len(),
        reply.len()
    );
    assert!(
        reply == message,
        "the bytes came back, but not the same bytes in the same order"
    );
}

#[tokio::test]
async fn returns_ok_when_the_client_closes() {
    let (listener, addr) = listener().await;
    let server = tokio::spawn(echo_one(listener));
    let mut client = connect(addr).await;
    echo_round_trip(&mut client, b"bye\n").await;

    client.shutdown().await.expect("close the sending side"); // the server reads EOF
    expect_closed(&mut client).await;
    let result = within("echo_one to return after the client closed", server)
        .await
        .expect("echo_one panicked");
    assert!(
        result.is_ok(),
        "echo_one returned {result:?} for a client that closed normally"
    );
}
