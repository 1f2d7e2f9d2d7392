//! What this lesson's tests share: a listener on a free port, and patient socket steps.
#![allow(dead_code)] // each test file uses only some of these

use std::net::SocketAddr;

use testkit::within;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A listener on a free loopback port, and its address.
pub async fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    (listener, addr)
}

/// Connects to the server under test, failing clearly if it is not there.
pub async fn connect(addr: SocketAddr) -> TcpStream {
    within("a connection to the server", TcpStream::connect(addr))
        .await
        .unwrap_or_else(|error| panic!("could not connect to the server at {addr}: {error}"))
}

/// Writes `message` and reads back exactly as many bytes, as an echo server returns them.
pub async fn echo_round_trip(stream: &mut TcpStream, message: &[u8]) -> Vec<u8> {
    stream
        .write_all(message)
        .await
        .expect("write to the server");
    let mut reply = vec![0; message.len()];
    within("the echo", stream.read_exact(&mut reply))
        .await
        .expect("the server closed the connection instead of echoing");
    reply
}

/// Reads one line (with its `\n`) from a buffered stream; "" means the server closed it.
pub async fn read_line(reader: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    within("a line from the server", reader.read_line(&mut line))
        .await
        .expect("read a line from the server");
    line
}

/// Waits for the server to close the connection; fails if it sends anything instead.
pub async fn expect_closed(stream: &mut TcpStream) {
    let mut rest = Vec::new();
    match within(
        "the server to close the connection",
        stream.read_to_end(&mut rest),
    )
    .await
    {
        // A reset is a close too: the server may drop unread bytes when it closes.
        Ok(_) | Err(_) => assert!(
            rest.is_empty(),
            "expected the connection to close, but the server sent {} bytes, starting {:?}",
            rest.len(),
            String::from_utf8_lossy(&rest[..rest.len().min(80)])
        ),
    }
}
