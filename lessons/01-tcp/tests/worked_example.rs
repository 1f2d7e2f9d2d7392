//! The worked example end to end: `cargo test -p l01-tcp --test main worked_example::`.

use crate::support;

use std::net::SocketAddr;
use std::time::Duration;

use l01_tcp::client;
use l01_tcp::server::EchoServer;
use support::{connect, listener, read_line};
use testkit::within;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// Starts the echo server; sending on (or dropping) the returned sender stops it.
async fn start(
    server: EchoServer,
) -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (listener, addr) = listener().await;
    let (stop, stop_requested) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stop_requested.await;
    };
    (addr, stop, tokio::spawn(server.serve(listener, shutdown)))
}

#[tokio::test]
async fn the_client_prints_the_echo_of_its_lines() {
    let (addr, _stop, _server) = start(EchoServer::default()).await;
    let mut output = Vec::new();
    let input = b"hello\nworld\n".as_slice();
    within(
        "the client to finish",
        client::run(connect(addr).await, input, &mut output),
    )
    .await
    .expect("client::run");
    assert_eq!(String::from_utf8_lossy(&output), "hello\nworld\n");
}

#[tokio::test]
async fn a_burst_of_pipelined_lines_comes_back_in_order() {
    let (addr, _stop, _server) = start(EchoServer::default()).await;
    let input: String = (0..10_000).map(|i| format!("line {i}\n")).collect();
    let mut output = Vec::new();
    within(
        "10 000 lines echoed",
        client::run(connect(addr).await, input.as_bytes(), &mut output),
    )
    .await
    .expect("client::run");
    assert!(
        output == input.as_bytes(),
        "the echo differs from the {} bytes sent",
        input.len()
    );
}

#[tokio::test]
async fn ctrl_c_lets_open_connections_finish_then_stops() {
    let (addr, stop, server) = start(EchoServer {
        grace: Duration::from_secs(30),
        ..EchoServer::default()
    })
    .await;
    let mut open = BufReader::new(connect(addr).await);
    // One round trip first: the server has surely accepted this connection.
    open.get_mut().write_all(b"hello\n").await.expect("write");
    assert_eq!(read_line(&mut open).await, "hello\n");
    stop.send(()).expect("stop");
    within("the listener to close", async {
        while TcpStream::connect(addr).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
    open.get_mut()
        .write_all(b"still here\n")
        .await
        .expect("write");
    assert_eq!(
        read_line(&mut open).await,
        "still here\n",
        "the open connection was cut off"
    );
    drop(open);
    within("the server to stop once the last connection closed", server)
        .await
        .expect("server task");
}

#[tokio::test]
async fn after_the_grace_period_the_server_stops_anyway() {
    let (addr, stop, server) = start(EchoServer {
        grace: Duration::from_millis(100),
        ..EchoServer::default()
    })
    .await;
    // Connected (a round trip proves the server has it), then never leaves.
    let mut idle = BufReader::new(connect(addr).await);
    idle.get_mut().write_all(b"hi\n").await.expect("write");
    assert_eq!(read_line(&mut idle).await, "hi\n");
    stop.send(()).expect("stop");
    within("the server to stop after the grace period", server)
        .await
        .expect("server task");
    assert_eq!(
        read_line(&mut idle).await,
        "",
        "the idle connection should be closed"
    );
}
