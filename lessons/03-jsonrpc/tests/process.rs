//! The JSON-RPC server as a process, watched from outside:
//! `cargo test -p l03-jsonrpc --test main process::`.
//!
//! A stop (Ctrl-C or SIGTERM) finishes what was begun and nothing more, within a deadline:
//! a request half sent over TCP is read to its end and answered; an HTTP client that holds
//! half a request forever is cut off when the grace period is over.

use l03_jsonrpc::tcp::GRACE;
use testkit::{PATIENCE, ServerProcess, within};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const SERVER: &str = env!("CARGO_BIN_EXE_l03-jsonrpc");

/// The server with its TCP and its HTTP listener on free ports.
async fn start() -> ServerProcess {
    let args = [
        "server",
        "--addr",
        "127.0.0.1:0",
        "--http-addr",
        "127.0.0.1:0",
    ];
    ServerProcess::start(SERVER, &args, 2).await
}

#[tokio::test]
async fn a_request_half_sent_at_ctrl_c_is_answered() {
    let mut server = start().await;
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    let request = r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["gopher"],"id":1}"#;
    let (first, rest) = request.split_at(request.len() / 2);
    stream
        .write_all(first.as_bytes())
        .await
        .expect("send half a request");
    server.logged("connected").await; // the server has taken the connection and reads it
    server.signal("INT");
    server.logged("SIGINT (Ctrl-C) received").await;
    stream
        .write_all(format!("{rest}\n").as_bytes())
        .await
        .expect("send the rest of the request");

    let mut reader = BufReader::new(stream);
    let mut reply = String::new();
    within(
        "the reply to the half-sent request",
        reader.read_line(&mut reply),
    )
    .await
    .expect("read the reply");
    assert!(
        reply.contains(r#""result":"gopher hello world""#),
        "reply: {reply:?}"
    );
    server.exits_cleanly_within(PATIENCE).await;
}

#[tokio::test]
async fn an_http_client_holding_half_a_request_cannot_keep_the_server_up() {
    let mut server = start().await;
    let http = TcpStream::connect(server.addrs()[1])
        .await
        .expect("connect");
    let mut http = BufReader::new(http);
    // One whole request first: its answer proves the server has taken the connection.
    let call = r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["x"],"id":1}"#;
    let whole = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{call}",
        call.len()
    );
    http.get_mut()
        .write_all(whole.as_bytes())
        .await
        .expect("send a request");
    let mut status_line = String::new();
    within("the HTTP answer", http.read_line(&mut status_line))
        .await
        .expect("read the HTTP answer");
    assert!(status_line.starts_with("HTTP/1.1 200"), "{status_line:?}");
    // The rest of that answer: its head, then as many bytes as it says.
    within("the rest of the HTTP answer", async {
        let mut body_length = 0;
        loop {
            let mut header = String::new();
            http.read_line(&mut header).await.expect("read a header");
            if header.trim().is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                body_length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; body_length];
        http.read_exact(&mut body)
            .await
            .expect("read the answer's body");
    })
    .await;
    // Then half of a second one, and the client goes quiet. `Expect: 100-continue` makes the
    // server say when it has begun reading the body: from then on the request is in
    // progress (an idle connection would be closed at once, and the race lost).
    http.get_mut()
        .write_all(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n",
        )
        .await
        .expect("send the head of a second HTTP request");
    let mut continue_line = String::new();
    within(
        "the server's 100 Continue",
        http.read_line(&mut continue_line),
    )
    .await
    .expect("read 100 Continue");
    assert!(
        continue_line.starts_with("HTTP/1.1 100"),
        "{continue_line:?}"
    );
    http.get_mut()
        .write_all(b"{")
        .await
        .expect("send the first byte of its body");

    server.signal("TERM");
    // The graceful stop waits for that request, but no longer than the grace period.
    server.exits_cleanly_within(GRACE + PATIENCE).await;
    server.logged("grace period over").await;
    drop(http);
}

#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let mut server = start().await;
    // A client that begins a request and never finishes it would hold the server for its
    // whole grace period.
    let mut held = TcpStream::connect(server.addr()).await.expect("connect");
    held.write_all(b"{\"jsonrpc\":")
        .await
        .expect("send a beginning");
    server.logged("connected").await;
    server.signal("TERM");
    server.logged("SIGTERM received").await;
    server.signal("INT");
    let status = server.exits_within(PATIENCE).await;
    assert_eq!(status.code(), Some(128 + 2), "log:\n{}", server.log());
}

#[tokio::test]
async fn clients_that_reach_no_server_exit_with_failure() {
    let nowhere = testkit::tool::nothing_listens();
    for client in ["client", "http-client"] {
        let said = testkit::tool::fails(SERVER, &[client, "--addr", &nowhere, "gopher"], &[]).await;
        assert!(
            said.contains("is the server running?"),
            "{client} says why:\n{said}"
        );
    }
}

#[tokio::test]
async fn the_client_ends_quietly_when_its_output_is_cut() {
    // `client gopher | head -0`: the request line it shows has nowhere to go.
    let server = start().await;
    let addr = server.addr().to_string();
    testkit::tool::ends_quietly_when_output_is_cut(
        SERVER,
        &["client", "--addr", &addr, "gopher"],
        &[],
    )
    .await;
}
