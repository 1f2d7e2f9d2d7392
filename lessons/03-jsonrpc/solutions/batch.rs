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
    if names.is_empty() {
        return Ok(Vec::new());
    }
    // The id of each call is its index in `names`: the reply's id says where it belongs.
    let calls = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            Call::MethodCall(MethodCall {
                jsonrpc: Some(Version::V2),
                method: "hello.HelloWorld".into(),
                params: Params::Array(vec![Value::from(*name)]),
                id: Id::Num(index as u64),
            })
        })
        .collect();
    let mut request = serde_json::to_vec(&Request::Batch(calls))?;
    request.push(b'\n');

    let stream = TcpStream::connect(addr).await?;
    let (reader, mut writer) = stream.into_split();
    writer.write_all(&request).await?;
    let mut reply = String::new();
    if BufReader::new(reader).read_line(&mut reply).await? == 0 {
        bail!("the server closed the connection without a reply");
    }
    let outputs: Vec<Output> = serde_json::from_str(&reply)
        .with_context(|| format!("expected an array of replies, got {}", reply.trim()))?;

    let mut greetings = vec![None; names.len()];
    for output in outputs {
        let slot = match output.id() {
            Id::Num(index) => greetings.get_mut(*index as usize),
            _ => None,
        };
        let Some(slot) = slot else {
            bail!("a reply for a call that was not sent: {:?}", output.id());
        };
        match Result::<Value, _>::from(output)? {
            Value::String(greeting) => *slot = Some(greeting),
            other => bail!("expected a greeting, got {other}"),
        }
    }
    greetings
        .into_iter()
        .enumerate()
        .map(|(index, greeting)| greeting.with_context(|| format!("no reply for {}", names[index])))
        .collect()
}
