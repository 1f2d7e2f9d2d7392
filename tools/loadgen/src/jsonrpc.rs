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

/// A request in either dialect: `{"jsonrpc":"2.0","method":…,"params":[…],"id":…}`, or
/// for 1.0 the same without `jsonrpc`, in the field order of Go's `clientRequest`.
#[derive(Serialize)]
struct Request<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    jsonrpc: Option<&'static str>,
    method: &'static str,
    params: [&'a str; 1],
    id: u64,
}

/// Either dialect's reply, and lesson 02's (its frames hold the same JSON, without
/// `jsonrpc`).
#[derive(Deserialize)]
struct ReplyJson {
    jsonrpc: Option<String>,
    id: Option<u64>,
    result: Option<Value>,
    error: Option<Value>,
}

const METHOD: &str = "hello.HelloWorld";

impl Codec for JsonRpc {
    fn encode(&self, id: u64, name: &str, out: &mut Vec<u8>) {
        let request = Request {
            jsonrpc: (*self == JsonRpc::V2).then_some("2.0"),
            method: METHOD,
            params: [name],
            id,
        };
        serde_json::to_writer(&mut *out, &request).expect("writing to a Vec cannot fail");
        out.push(b'\n');
    }

    fn decode(&self, buf: &mut BytesMut) -> Result<Option<Reply>, String> {
        let Some(line) = cut_line(buf)? else {
            return Ok(None);
        };
        Ok(Some(read_reply(&line, *self == JsonRpc::V2)))
    }
}

/// Reads one JSON reply, of either dialect or of lesson 02 (`rpc.rs`): a result that is a
/// string, an error (a string, or an object with a `message`), or else a malformed reply.
/// With `v2`, a reply that does not say `"jsonrpc":"2.0"` is malformed too.
pub(crate) fn read_reply(bytes: &[u8], v2: bool) -> Reply {
    let reply = match serde_json::from_slice::<ReplyJson>(bytes) {
        Ok(reply) => reply,
        Err(e) => {
            let text = String::from_utf8_lossy(bytes);
            let outcome = Outcome::Malformed(format!("{e}: {text}"));
            return Reply { id: None, outcome };
        }
    };
    let id = reply.id;
    let outcome = match reply {
        ReplyJson { jsonrpc, .. } if v2 && jsonrpc.as_deref() != Some("2.0") => {
            Outcome::Malformed(format!("\"jsonrpc\" is {jsonrpc:?}, not \"2.0\""))
        }
        ReplyJson {
            error: Some(error), ..
        } if !error.is_null() => {
            let message = error.get("message").unwrap_or(&error);
            Outcome::Error(
                message
                    .as_str()
                    .map_or_else(|| error.to_string(), str::to_owned),
            )
        }
        ReplyJson {
            result: Some(Value::String(result)),
            ..
        } => Outcome::Result(result),
        ReplyJson { result, .. } => {
            Outcome::Malformed(format!("result is {}", result.unwrap_or(Value::Null)))
        }
    };
    Reply { id, outcome }
}

#[cfg(test)]
mod tests;
