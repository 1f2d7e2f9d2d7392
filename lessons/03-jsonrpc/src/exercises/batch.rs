//! Exercise `jsonrpc.batch`: several calls in one request, all their replies in one reply.
//!
//! JSON-RPC 2.0 lets a client send an array of calls as one request; the server answers with
//! an array of replies, one per call that has an id, in any order it likes. One round trip
//! instead of many.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use jsonrpc_core::{Call, Id, MethodCall, Output, Params, Request, Value, Version};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Greets every name with ONE batch request to the newline-delimited JSON-RPC server at
/// `addr`: one line with an array of `hello.HelloWorld` calls, one line back with an array of
/// replies. Returns the greetings in the order of `names`.
/// - The server may answer the calls in any order: match each reply to its call by id.
/// - If any call fails, fail with the server's error message.
/// - No names: return an empty list without calling anyone (an empty batch is invalid).
pub async fn hello_batch(addr: SocketAddr, names: &[&str]) -> anyhow::Result<Vec<String>> {
    // TODO: one batch out, one line of replies back, the greetings in the order of `names`
    // whatever order the replies came in. Every name needs its greeting: a reply missing is
    // a failure too.
    todo!("call hello.HelloWorld for every name in one batch")
}
