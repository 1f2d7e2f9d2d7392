//! Clients of the lesson's server: over TCP, one line out and one line back, in JSON-RPC 2.0
//! or in Go's 1.0; and over HTTP, one POST.
//!
//! This client makes one call at a time. A client that keeps many calls in flight on one
//! connection and matches replies by id is an exercise (`exercises/concurrent_client.rs`).

use std::net::SocketAddr;

use anyhow::{Context, bail};
use axum::http::{Request, StatusCode, header};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use jsonrpc_core::{Id, MethodCall, Output, Params, Value, Version};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use crate::v1;

/// Which JSON-RPC the client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// JSON-RPC 2.0: `{"jsonrpc":"2.0","method":…,"params":…,"id":…}`.
    V2,
    /// JSON-RPC 1.0 as Go's `net/rpc/jsonrpc` speaks it, so that this client can also call
    /// a Go server started with `jsonrpc.ServeConn`.
    GoV1,
}

// ANCHOR: request_line
/// The request line for calling `method` with `params` (one argument: Go passes exactly one).
pub fn request_line(dialect: Dialect, method: &str, param: Value, id: u64) -> String {
    let line = match dialect {
        Dialect::V2 => serde_json::to_string(&MethodCall {
            jsonrpc: Some(Version::V2),
            method: method.to_owned(),
            params: Params::Array(vec![param]),
            id: Id::Num(id),
        }),
        Dialect::GoV1 => serde_json::to_string(&v1::Request {
            method,
            params: [&param],
            id,
        }),
    };
    line.expect("a request of strings and JSON values always serializes")
}

/// The result in a reply line, or the error it carries (a `jsonrpc_core::Error` for 2.0,
/// with its code; a message for 1.0, which has no codes).
pub fn read_reply(dialect: Dialect, line: &str) -> anyhow::Result<Value> {
    match dialect {
        Dialect::V2 => {
            let output: Output = serde_json::from_str(line).context("not a JSON-RPC 2.0 reply")?;
            Ok(Result::<Value, _>::from(output)?)
        }
        Dialect::GoV1 => match serde_json::from_str(line).context("not a JSON-RPC 1.0 reply")? {
            v1::Reply {
                error: Some(message),
                ..
            } => bail!("the server says: {message}"),
            v1::Reply { result, .. } => Ok(result),
        },
    }
}
// ANCHOR_END: request_line

// ANCHOR: client
/// A connection to a JSON-RPC server that speaks one request per line.
pub struct Client {
    replies: Lines<BufReader<OwnedReadHalf>>,
    requests: OwnedWriteHalf,
    dialect: Dialect,
    next_id: u64,
}

impl Client {
    pub async fn connect(addr: SocketAddr, dialect: Dialect) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("cannot connect to {addr}: is the server running?"))?;
        let (replies, requests) = stream.into_split();
        let replies = BufReader::new(replies).lines();
        Ok(Client {
            replies,
            requests,
            dialect,
            next_id: 0,
        })
    }

    /// Sends one request line and reads one reply line.
    pub async fn exchange(&mut self, request: &str) -> anyhow::Result<String> {
        self.requests
            .write_all(format!("{request}\n").as_bytes())
            .await?;
        match self.replies.next_line().await? {
            Some(reply) => Ok(reply),
            None => bail!("the server closed the connection without a reply"),
        }
    }

    /// Calls `method` with one argument and returns its result.
    pub async fn call(&mut self, method: &str, param: Value) -> anyhow::Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let reply = self
            .exchange(&request_line(self.dialect, method, param, id))
            .await?;
        read_reply(self.dialect, &reply)
    }
}
// ANCHOR_END: client

// ANCHOR: http_post
/// POSTs `body` to `http://addr/` and returns the status and the response body.
pub async fn http_post(addr: SocketAddr, body: String) -> anyhow::Result<(StatusCode, String)> {
    let client = HttpClient::builder(TokioExecutor::new()).build_http();
    let request = Request::post(format!("http://{addr}/"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let response = client
        .request(request)
        .await
        .with_context(|| format!("cannot POST to http://{addr}/: is the server running?"))?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
// ANCHOR_END: http_post
