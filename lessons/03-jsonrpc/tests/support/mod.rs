//! What the tests of this lesson share: a worked-example server on a free port, and a
//! connection that speaks in lines with a time limit on every wait.
#![allow(dead_code)] // each test file uses its own part of this

use std::net::SocketAddr;
use std::sync::Arc;

use jsonrpc_core::IoHandler;
use l03_jsonrpc::tcp;
use serde_json::Value;
use testkit::within;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

/// Starts the worked example's TCP server with the methods of `io` on 127.0.0.1:0.
pub async fn start_tcp(io: IoHandler) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(tcp::serve(listener, Arc::new(io), std::future::pending()));
    addr
}

/// The worked example's methods and two with a bug: `bug.Now` panics as it is called,
/// `bug.Later` after an await, as an async method that panics in its task would.
pub fn methods_with_bugs() -> IoHandler {
    fn bug(place: &str) -> jsonrpc_core::Result<jsonrpc_core::Value> {
        panic!("a bug {place} (this panic is part of the test)")
    }
    let mut io = l03_jsonrpc::methods::handler();
    io.add_sync_method("bug.Now", |_| bug("in a synchronous method"));
    io.add_method("bug.Later", |_| async {
        tokio::task::yield_now().await;
        bug("after an await")
    });
    io
}

/// A client connection that sends and receives lines.
pub struct Conn {
    replies: Lines<BufReader<OwnedReadHalf>>,
    requests: OwnedWriteHalf,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> Conn {
        let stream = within("a connection", TcpStream::connect(addr))
            .await
            .unwrap();
        let (replies, requests) = stream.into_split();
        Conn {
            replies: BufReader::new(replies).lines(),
            requests,
        }
    }

    /// Sends `bytes` as they are (add the newline yourself).
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        within("sending a request", self.requests.write_all(bytes))
            .await
            .unwrap();
    }

    /// Sends `line` and a newline.
    pub async fn send(&mut self, line: &str) {
        self.send_bytes(format!("{line}\n").as_bytes()).await;
    }

    /// The next reply line, exactly as it came.
    pub async fn reply_line(&mut self) -> String {
        match within("a reply line", self.replies.next_line()).await {
            Ok(Some(line)) => line,
            Ok(None) => panic!("the server closed the connection instead of replying"),
            Err(error) => panic!("the connection broke instead of a reply: {error}"),
        }
    }

    /// The next reply, parsed.
    pub async fn reply(&mut self) -> Value {
        let line = self.reply_line().await;
        serde_json::from_str(&line).unwrap_or_else(|_| panic!("a reply that is not JSON: {line}"))
    }

    /// Sends `request` and returns the next reply.
    pub async fn call(&mut self, request: &str) -> Value {
        self.send(request).await;
        self.reply().await
    }

    /// Waits for the server to close the connection (a reset counts as closed).
    pub async fn expect_closed(&mut self) {
        if let Ok(Some(line)) = within("the server to close", self.replies.next_line()).await {
            panic!("expected the connection to close, got another line: {line}");
        }
    }

    /// Closes the sending side, as a client does when it has nothing more to ask.
    pub async fn finish(&mut self) {
        within("closing the sending side", self.requests.shutdown())
            .await
            .unwrap();
    }
}

/// A `hello.HelloWorld` request line in JSON-RPC 2.0.
pub fn hello(name: &str, id: u64) -> String {
    serde_json::json!({"jsonrpc": "2.0", "method": "hello.HelloWorld", "params": [name], "id": id})
        .to_string()
}

/// The error code of an error reply, with a clear failure when the reply is no error.
pub fn error_code(reply: &Value) -> i64 {
    reply["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("expected an error reply, got {reply}"))
}
