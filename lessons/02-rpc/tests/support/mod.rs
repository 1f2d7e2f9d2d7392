//! What this lesson's tests share: a server on a free port, and raw frames on a socket.
#![allow(dead_code)] // each test file uses only some of these

use std::net::SocketAddr;

use l02_rpc::frame::{FrameError, read_frame, write_frame};
use l02_rpc::hello::{Hello, register_hello_service};
use l02_rpc::registry::Registry;
use l02_rpc::server;
use serde_json::Value;
use testkit::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A running worked-example server. Dropping it shuts the server down.
pub struct TestServer {
    pub addr: SocketAddr,
    pub stop: oneshot::Sender<()>,
    pub stopped: tokio::task::JoinHandle<()>,
}

/// Starts the worked-example server with `registry` on a free loopback port.
pub async fn start(registry: Registry) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let (stop, stop_requested) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stop_requested.await;
    };
    let stopped = tokio::spawn(server::serve(listener, registry, shutdown));
    TestServer {
        addr,
        stop,
        stopped,
    }
}

/// A registry with the hello service, as `cargo run -p l02-rpc -- server` has.
pub fn hello_registry() -> Registry {
    let mut registry = Registry::new();
    register_hello_service(&mut registry, Hello);
    registry
}

/// Connects a raw socket, failing clearly if the server is not there.
pub async fn connect(addr: SocketAddr) -> TcpStream {
    within("a connection to the server", TcpStream::connect(addr))
        .await
        .unwrap_or_else(|error| panic!("could not connect to the server at {addr}: {error}"))
}

/// Sends one frame whose payload is `json`.
pub async fn send(stream: &mut TcpStream, json: &str) {
    write_frame(stream, json.as_bytes())
        .await
        .expect("write a frame");
}

/// Reads one reply frame as JSON.
pub async fn receive(stream: &mut TcpStream) -> Value {
    let payload = within("a reply frame", read_frame(stream))
        .await
        .expect("read a reply frame")
        .expect("the server closed the connection instead of replying");
    serde_json::from_slice(&payload).expect("the reply is JSON")
}

/// Sends one request and returns its reply, on a raw socket.
pub async fn round_trip(stream: &mut TcpStream, json: &str) -> Value {
    send(stream, json).await;
    receive(stream).await
}

/// Waits for the server to close the connection, without a reply first.
pub async fn expect_closed(stream: &mut TcpStream) {
    match within("the server to close the connection", read_frame(stream)).await {
        Ok(None) | Err(FrameError::Io(_)) => {}
        Ok(Some(frame)) => panic!(
            "expected the connection to close, got a frame: {}",
            String::from_utf8_lossy(&frame)
        ),
        Err(error) => panic!("expected the connection to close, got {error}"),
    }
}

/// Writes raw bytes, ignoring a server that already closed.
pub async fn write_raw(stream: &mut TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes).await;
}

/// Reads whatever the server sends until it closes (for HTTP answers).
pub async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = within(
        "the server to answer and close",
        stream.read_to_end(&mut answer),
    )
    .await;
    String::from_utf8_lossy(&answer).into_owned()
}
