//! Lesson 03's protocols: JSON-RPC over TCP, one JSON object per line.
//!
//! Two dialects share the framing. JSON-RPC 2.0 says so in every message
//! (`"jsonrpc":"2.0"`) and puts an error in an object with a code. JSON-RPC 1.0 is sent
//! here exactly as Go's `net/rpc/jsonrpc` client sends it, field for field, so `loadgen`
//! drives Go's `jsonrpc.ServeConn` as well as lesson 03's server:
//!
//! ```text
//! → {"method":"hello.HelloWorld","params":["w0-0"],"id":0}
//! ← {"id":0,"result":"w0-0 hello world","error":null}
//! ```

use bytes::BytesMut;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::tcp::{Codec, Outcome, Reply, cut_line};

/// Newline-delimited JSON-RPC, in one of two dialects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonRpc {
    /// JSON-RPC 1.0 as Go's `net/rpc/jsonrpc` speaks it.
    V1,
    /// JSON-RPC 2.0.
    V2,
}

/// A 2.0 request: `{"jsonrpc":"2.0","method":…,"params":[…],"id":…}`.
#[derive(Serialize)]
struct RequestV2<'a> {
    jsonrpc: &'static str,
    method: &'static str,
    params: [&'a str; 1],
    id: u64,
}

/// A 1.0 request, in the field order of Go's `clientRequest`.
#[derive(Serialize)]
struct RequestV1<'a> {
    method: &'static str,
    params: [&'a str; 1],
    id: u64,
}

/// Either dialect's reply.
#[derive(Deserialize)]
struct ReplyLine {
    jsonrpc: Option<String>,
    id: Option<u64>,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<Value>,
}

const METHOD: &str = "hello.HelloWorld";

// ANCHOR: codec
impl Codec for JsonRpc {
    fn encode(&self, id: u64, name: &str, out: &mut Vec<u8>) {
        let written = match self {
            JsonRpc::V2 => {
                let request = RequestV2 {
                    jsonrpc: "2.0",
                    method: METHOD,
                    params: [name],
                    id,
                };
                serde_json::to_writer(&mut *out, &request)
            }
            JsonRpc::V1 => serde_json::to_writer(
                &mut *out,
                &RequestV1 {
                    method: METHOD,
                    params: [name],
                    id,
                },
            ),
        };
        written.expect("writing to a Vec cannot fail");
        out.push(b'\n');
    }

    fn decode(&self, buf: &mut BytesMut) -> Result<Option<Reply>, String> {
        let Some(line) = cut_line(buf)? else {
            return Ok(None);
        };
        let reply = match serde_json::from_slice::<ReplyLine>(&line) {
            Ok(reply) => reply,
            Err(e) => {
                let text = String::from_utf8_lossy(&line);
                let outcome = Outcome::Malformed(format!("{e}: {text}"));
                return Ok(Some(Reply { id: None, outcome }));
            }
        };
        let id = reply.id;
        let outcome = match reply {
            ReplyLine { jsonrpc, .. }
                if *self == JsonRpc::V2 && jsonrpc.as_deref() != Some("2.0") =>
            {
                Outcome::Malformed(format!("\"jsonrpc\" is {jsonrpc:?}, not \"2.0\""))
            }
            ReplyLine {
                error: Some(error), ..
            } if !error.is_null() => {
                let message = error.get("message").unwrap_or(&error);
                Outcome::Error(
                    message
                        .as_str()
                        .map_or_else(|| error.to_string(), str::to_owned),
                )
            }
            ReplyLine {
                result: Some(Value::String(result)),
                ..
            } => Outcome::Result(result),
            ReplyLine { result, .. } => {
                Outcome::Malformed(format!("result is {}", result.unwrap_or(Value::Null)))
            }
        };
        Ok(Some(Reply { id, outcome }))
    }

    fn expected(&self, name: &str) -> String {
        format!("{name} hello world")
    }
}
// ANCHOR_END: codec

#[cfg(test)]
mod tests;
