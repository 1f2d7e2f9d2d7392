//! Exercise `jsonrpc.lines`: the newline loop that survives bad input.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use l03_jsonrpc::exercises::lines::serve_lines;
use l03_jsonrpc::methods;
use support::{Conn, error_code, hello};
use testkit::within;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Serves every connection with the learner's `serve_lines`; each connection's result
/// arrives on the returned channel when it ends.
async fn start() -> (SocketAddr, mpsc::UnboundedReceiver<std::io::Result<()>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let io = Arc::new(methods::handler());
    let (ended, results) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (io, ended) = (io.clone(), ended.clone());
            tokio::spawn(async move { ended.send(serve_lines(stream, io).await) });
        }
    });
    (addr, results)
}

#[tokio::test]
async fn answers_each_line() {
    let (addr, _) = start().await;
    let mut conn = Conn::connect(addr).await;
    assert_eq!(
        conn.call(&hello("one", 1)).await["result"],
        "one hello world"
    );
    let add = r#"{"jsonrpc":"2.0","method":"arith.Add","params":{"a":2,"b":3},"id":2}"#;
    assert_eq!(conn.call(add).await["result"], 5);
}

#[tokio::test]
async fn a_parse_error_is_answered_and_the_connection_stays_open() {
    let (addr, _) = start().await;
    let mut conn = Conn::connect(addr).await;
    conn.send(r#"{"jsonrpc":"2.0","method":"#).await;
    let reply = conn.reply().await;
    assert_eq!(error_code(&reply), -32700, "malformed JSON → {reply}");
    assert_eq!(
        conn.call(&hello("after", 2)).await["result"],
        "after hello world"
    );

    conn.send_bytes(b"\xff\xfe not UTF-8\n").await;
    let reply = conn.reply().await;
    assert_eq!(
        error_code(&reply),
        -32700,
        "bytes that are not UTF-8 → {reply}"
    );
    assert_eq!(
        conn.call(&hello("still", 3)).await["result"],
        "still hello world"
    );
}

#[tokio::test]
async fn a_notification_gets_no_reply() {
    let (addr, _) = start().await;
    let mut conn = Conn::connect(addr).await;
    conn.send(r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["quiet"]}"#)
        .await;
    let reply = conn.call(&hello("loud", 7)).await;
    assert_eq!(
        reply["id"], 7,
        "the first reply must be the call's, not the notification's: {reply}"
    );
}

#[tokio::test]
async fn blank_lines_are_skipped() {
    let (addr, _) = start().await;
    let mut conn = Conn::connect(addr).await;
    conn.send_bytes(b"\n\r\n   \n").await;
    let reply = conn.call(&hello("after blanks", 8)).await;
    assert_eq!(reply["id"], 8, "blank lines get no reply: {reply}");
}

#[tokio::test]
async fn ends_with_ok_when_the_client_closes() {
    let (addr, mut results) = start().await;
    let mut conn = Conn::connect(addr).await;
    conn.send(&hello("last", 9)).await;
    conn.finish().await;
    assert_eq!(
        conn.reply().await["result"],
        "last hello world",
        "the last request is still answered"
    );
    conn.expect_closed().await;
    let result = within("serve_lines to return", results.recv())
        .await
        .unwrap();
    assert!(
        result.is_ok(),
        "a client closing is a normal end, not an error: {result:?}"
    );
}
