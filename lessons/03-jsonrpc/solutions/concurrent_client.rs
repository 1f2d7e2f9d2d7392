//! Exercise `jsonrpc.concurrent-client`: many calls in flight on one connection, each
//! reply matched to its call by id.
//!
//! This is how Go's `rpc.Client` works, and why JSON-RPC has ids at all: every call gets a
//! fresh id and waits in a table of pending calls; one reader task takes each reply off the
//! connection and hands it to the call with that id. The calls need not wait for each other.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use jsonrpc_core::{Id, MethodCall, Output, Params, Value, Version};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The calls waiting for a reply, by id. `None` once the connection has closed: from then on
/// no reply can come, so no call may start waiting for one.
type Pending = Arc<Mutex<Option<HashMap<u64, oneshot::Sender<Output>>>>>;

/// A JSON-RPC 2.0 client over one newline-delimited TCP connection, shared by many calls.
pub struct Client {
    requests: tokio::sync::Mutex<OwnedWriteHalf>,
    next_id: AtomicU64,
    pending: Pending,
    reader: JoinHandle<()>,
}

impl Client {
    /// Connects to `addr` and starts the task that reads replies and hands each one to the
    /// pending call with its id. When the connection closes, that task must fail every call
    /// still waiting (drop their senders), so that no call waits forever.
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Client> {
        let stream = TcpStream::connect(addr)
            .await
            .with_context(|| format!("cannot connect to {addr}"))?;
        let (replies, requests) = stream.into_split();
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        let reader = tokio::spawn(read_replies(replies, pending.clone()));
        Ok(Client {
            requests: tokio::sync::Mutex::new(requests),
            next_id: AtomicU64::new(0),
            pending,
            reader,
        })
    }

    /// Calls `method` with `params` (an array or an object) and returns its result. Takes
    /// `&self`: any number of calls may be in flight at once. An error reply becomes an `Err`
    /// holding the `jsonrpc_core::Error`, so the caller can read its code with
    /// `error.downcast_ref::<jsonrpc_core::Error>()`.
    pub async fn call(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        let params = match params {
            Value::Array(values) => Params::Array(values),
            Value::Object(map) => Params::Map(map),
            other => bail!("params must be an array or an object, not {other}"),
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let request = MethodCall {
            jsonrpc: Some(Version::V2),
            method: method.into(),
            params,
            id: Id::Num(id),
        };
        let mut line = serde_json::to_vec(&request)?;
        line.push(b'\n');

        // Wait-list the call before sending it: the reply may come back at once.
        let (reply_to, reply) = oneshot::channel();
        match self.pending.lock().unwrap().as_mut() {
            Some(pending) => pending.insert(id, reply_to),
            None => bail!("the connection is closed"),
        };
        if let Err(error) = self.requests.lock().await.write_all(&line).await {
            if let Some(pending) = self.pending.lock().unwrap().as_mut() {
                pending.remove(&id);
            }
            return Err(error).context("cannot send the request");
        }
        let output = reply
            .await
            .context("the connection closed before the reply came")?;
        Ok(Result::<Value, _>::from(output)?)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Hands each reply line to the call waiting for its id, until the connection closes; then
/// fails the calls still waiting, by dropping their senders.
async fn read_replies(replies: OwnedReadHalf, pending: Pending) {
    let mut lines = BufReader::new(replies).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(output) = serde_json::from_str::<Output>(&line) else {
            continue; // not a reply we understand: no call can be waiting for it
        };
        let Id::Num(id) = *output.id() else { continue };
        let waiting = pending
            .lock()
            .unwrap()
            .as_mut()
            .and_then(|pending| pending.remove(&id));
        if let Some(reply_to) = waiting {
            let _ = reply_to.send(output); // the caller may have given up: that is fine
        }
    }
    pending.lock().unwrap().take();
}
