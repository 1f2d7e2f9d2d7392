//! Checks `tcp.echo`: `cargo test -p l01-tcp --test echo`.

mod support;

use l01_tcp::exercises::echo::echo_one;
use support::{connect, echo_round_trip, expect_closed, listener};
use testkit::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

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

/// Sends `message` while reading the echo, closes the sending side, and returns all that
/// came back until the server closed the connection.
async fn send_and_read_back(client: TcpStream, message: &[u8]) -> Vec<u8> {
    let (mut from_server, mut to_server) = client.into_split();
    let sent = message.to_vec();
    let writer = tokio::spawn(async move {
        to_server.write_all(&sent).await.expect("write the message");
        to_server.shutdown().await.expect("close the sending side");
    });
    let mut reply = Vec::new();
    within(
        "the whole message echoed back and the connection closed",
        from_server.read_to_end(&mut reply),
    )
    .await
    .expect("read the echo");
    within("the writer to send the whole message", writer)
        .await
        .expect("the writer task");
    reply
}

#[tokio::test]
async fn echoes_more_than_one_buffer_full() {
    let (listener, addr) = listener().await;
    tokio::spawn(echo_one(listener));
    let client = connect(addr).await;

    // 1 MB in both directions at once: more than any single read returns.
    let message: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let reply = send_and_read_back(client, &message).await;
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
async fn echoes_everything_when_the_socket_buffers_are_full() {
    // Small buffers on the way back (the server's sending one, the client's receiving one)
    // and 4 MB to echo: the server's writes keep meeting a full buffer, which takes only
    // part of what a write offers.
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_send_buffer_size(4096).expect("SO_SNDBUF"); // the accepted socket inherits it
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("bind 127.0.0.1:0");
    let addr = socket.local_addr().expect("local address");
    let listener = socket.listen(16).expect("listen");
    tokio::spawn(echo_one(listener));
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    let client = within("a connection to the server", socket.connect(addr))
        .await
        .expect("connect to the server");

    let message: Vec<u8> = (0..4_000_000u32).map(|i| (i % 251) as u8).collect();
    let reply = send_and_read_back(client, &message).await;
    assert_eq!(
        reply.len(),
        message.len(),
        "sent {} bytes while the server's writes met full socket buffers, got {} back",
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
