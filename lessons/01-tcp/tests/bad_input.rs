//! Bad input never costs more than the one connection it came on:
//! `cargo test -p l01-tcp --test main bad_input::`.

use crate::support;

use std::net::SocketAddr;

use l01_tcp::server::EchoServer;
use support::{connect, expect_closed, listener, read_line};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const MAX_LINE: usize = 32;

async fn start() -> SocketAddr {
    let (listener, addr) = listener().await;
    let server = EchoServer {
        max_line: MAX_LINE,
        ..EchoServer::default()
    };
    tokio::spawn(server.serve(listener, std::future::pending()));
    addr
}

async fn still_serving(stream: &mut BufReader<TcpStream>) {
    stream
        .get_mut()
        .write_all(b"still there?\n")
        .await
        .expect("write");
    assert_eq!(read_line(stream).await, "still there?\n");
}

// ANCHOR: overlong
#[tokio::test]
async fn an_overlong_line_gets_an_error_line_and_only_its_connection_closes() {
    let addr = start().await;
    let mut bystander = BufReader::new(connect(addr).await);
    still_serving(&mut bystander).await;

    let mut offender = BufReader::new(connect(addr).await);
    let too_long = "x".repeat(MAX_LINE + 1); // no newline needed: the limit is enough
    offender
        .get_mut()
        .write_all(too_long.as_bytes())
        .await
        .expect("write");
    let answer = read_line(&mut offender).await;
    assert_eq!(
        answer,
        format!("error: line longer than {MAX_LINE} bytes\n")
    );
    expect_closed(offender.get_mut()).await;

    still_serving(&mut bystander).await;
    still_serving(&mut BufReader::new(connect(addr).await)).await;
}
// ANCHOR_END: overlong

#[tokio::test]
async fn a_line_of_exactly_the_limit_is_fine() {
    let addr = start().await;
    let mut client = BufReader::new(connect(addr).await);
    let line = format!("{}\n", "y".repeat(MAX_LINE));
    client
        .get_mut()
        .write_all(line.as_bytes())
        .await
        .expect("write");
    assert_eq!(read_line(&mut client).await, line);
}

#[tokio::test]
async fn bytes_that_are_not_utf8_are_echoed_unchanged() {
    let addr = start().await;
    let mut client = connect(addr).await;
    client
        .write_all(b"\xff\xfe\x00binary\n")
        .await
        .expect("write");
    let mut reply = [0; 10];
    testkit::within("the echo", client.read_exact(&mut reply))
        .await
        .expect("read");
    assert_eq!(&reply, b"\xff\xfe\x00binary\n");
}

#[tokio::test]
async fn a_client_that_leaves_mid_line_harms_nobody() {
    let addr = start().await;
    let mut bystander = BufReader::new(connect(addr).await);
    let mut leaver = connect(addr).await;
    leaver.write_all(b"half a li").await.expect("write");
    drop(leaver);
    still_serving(&mut bystander).await;
    still_serving(&mut BufReader::new(connect(addr).await)).await;
}

#[tokio::test]
async fn a_last_line_without_newline_is_echoed_before_closing() {
    let addr = start().await;
    let mut client = connect(addr).await;
    client.write_all(b"one\ntwo").await.expect("write");
    client.shutdown().await.expect("close the sending side");
    let mut reply = Vec::new();
    testkit::within("the echo and the close", client.read_to_end(&mut reply))
        .await
        .expect("read");
    assert_eq!(reply, b"one\ntwo");
}
