//! The RPC servers as processes, watched from outside: `cargo test -p l02-rpc --test main process::`.
//!
//! A call whose bytes were half sent when SIGTERM came is part of the work in flight: the
//! server reads the rest and answers it within its grace period, over TCP and over HTTP.
//!
//! "In flight" means on a connection the server has accepted. A connection the kernel has
//! queued but the server has not yet taken is reset when the listener closes, so each test
//! first has an answer from the server on its connection before it signals.

use testkit::{PATIENCE, ServerProcess, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const SERVER: &str = env!("CARGO_BIN_EXE_l02-rpc");

/// One request frame for `hello.HelloWorld`, as bytes on the wire.
fn hello_frame(name: &str) -> Vec<u8> {
    let request = serde_json::json!({"id": 7, "method": "hello.HelloWorld", "params": name});
    l02_rpc::frame::encode(&request).expect("encode a frame")
}

/// Makes one whole call and reads its reply: proof that the server has accepted the connection.
async fn a_whole_call(stream: &mut TcpStream) {
    stream
        .write_all(&hello_frame("first"))
        .await
        .expect("send a call");
    let reply = within("the reply to a whole call", async {
        l02_rpc::frame::read_frame(stream).await
    })
    .await
    .expect("read the reply frame")
    .expect("a reply, not the end of the connection");
    let reply: serde_json::Value = serde_json::from_slice(&reply).expect("a JSON reply");
    assert_eq!(reply["result"], "first hello world", "reply: {reply}");
}

/// Sends the first half of a call, signals the server, sends the rest, and expects the reply.
async fn half_a_call_at_sigterm(server: &mut ServerProcess, mut stream: TcpStream) {
    let frame = hello_frame("gopher");
    let (first, rest) = frame.split_at(frame.len() / 2);
    stream.write_all(first).await.expect("send half a frame");

    server.signal("TERM");
    server.logged("no longer accepting").await;
    stream
        .write_all(rest)
        .await
        .expect("send the rest of the frame");

    let mut reader = BufReader::new(stream);
    let reply = within("the reply to the half-sent call", async {
        l02_rpc::frame::read_frame(&mut reader).await
    })
    .await
    .expect("read the reply frame")
    .expect("a reply, not the end of the connection");
    let reply: serde_json::Value = serde_json::from_slice(&reply).expect("a JSON reply");
    assert_eq!(reply["result"], "gopher hello world", "reply: {reply}");
    drop(reader); // the client leaves; the server has nothing left to wait for

    server.exits_cleanly_within(PATIENCE).await;
}

#[tokio::test]
async fn a_call_half_sent_at_sigterm_is_answered() {
    let mut server = ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    a_whole_call(&mut stream).await;
    half_a_call_at_sigterm(&mut server, stream).await;
}

#[tokio::test]
async fn over_http_too() {
    let args = ["http-server", "--addr", "127.0.0.1:0"];
    let mut server = ServerProcess::start(SERVER, &args, 1).await;
    let mut stream = TcpStream::connect(server.addr()).await.expect("connect");
    let connect = format!("CONNECT {} HTTP/1.0\r\n\r\n", l02_rpc::http::RPC_PATH);
    stream.write_all(connect.as_bytes()).await.expect("CONNECT");
    let expected = format!("{}\r\n\r\n", l02_rpc::http::CONNECTED);
    let mut answer = vec![0; expected.len()];
    within("the CONNECT answer", stream.read_exact(&mut answer))
        .await
        .expect("read the CONNECT answer");
    assert_eq!(String::from_utf8_lossy(&answer), expected);
    half_a_call_at_sigterm(&mut server, stream).await;
}

#[tokio::test]
async fn clients_that_reach_no_server_exit_with_failure() {
    let nowhere = testkit::tool::nothing_listens();
    for client in ["client", "http-client"] {
        let said = testkit::tool::fails(SERVER, &[client, "--addr", &nowhere], &[]).await;
        assert!(
            said.contains("cannot connect to"),
            "{client} says why:\n{said}"
        );
    }
}

#[tokio::test]
async fn the_client_ends_quietly_when_its_output_is_cut() {
    // `client gopher | head -0`: the reply has nowhere to go.
    let server = ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await;
    let addr = server.addr().to_string();
    testkit::tool::ends_quietly_when_output_is_cut(SERVER, &["client", "--addr", &addr], &[]).await;
}
