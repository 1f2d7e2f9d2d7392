//! Exercise `rpc.client`: many calls on one connection, matched by id.
//!
//! A client that sends a request and waits for its reply before sending the next one pays
//! a full round trip per call. A pipelining client lets every caller send at once; the
//! server may then answer in any order (a slow call finishes after a fast one), so each
//! reply is matched to its caller by `id`. The pieces: a writer task that owns the socket's
//! sending half, a reader task that owns the receiving half, and between them a table of
//! pending calls — id → the oneshot channel that wakes that call's caller.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncWriteExt, BufReader, BufWriter};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{mpsc, oneshot};

pub use crate::client::RpcError;
use crate::frame::{encode, read_frame};
use crate::message::{Reply, Request};

/// Calls waiting for their replies, by id; `None` once the connection has ended.
type Pending = Arc<Mutex<Option<HashMap<u64, oneshot::Sender<Reply>>>>>;

/// A connection on which any number of calls can be in flight at once.
pub struct Client {
    /// Encoded request frames, for the writer task.
    requests: mpsc::Sender<Vec<u8>>,
    pending: Pending,
    next_id: AtomicU64,
}

impl Client {
    /// Connects and starts the writer and reader tasks.
    pub async fn connect(addr: SocketAddr) -> io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        let (reader, writer) = stream.into_split();
        let (requests, queue) = mpsc::channel(1024);
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        tokio::spawn(write_requests(queue, writer));
        tokio::spawn(read_replies(BufReader::new(reader), Arc::clone(&pending)));
        Ok(Client {
            requests,
            pending,
            next_id: AtomicU64::new(1),
        })
    }

    /// Calls `method` with `params` and returns the reply's result. A reply with an error
    /// is `Err(RpcError::Service(message))`; a connection that ends first is
    /// `Err(RpcError::Closed)` — a call must never wait forever.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let frame = encode(&Request {
            id,
            method: method.to_string(),
            params,
        })?;

        let (reply_to, reply) = oneshot::channel();
        match self.pending.lock().unwrap().as_mut() {
            Some(pending) => pending.insert(id, reply_to),
            None => return Err(RpcError::Closed),
        };
        if self.requests.send(frame).await.is_err() {
            return Err(RpcError::Closed); // the writer task is gone
        }
        let reply = reply.await.map_err(|_| RpcError::Closed)?;
        reply.into_outcome().map_err(RpcError::Service)
    }
}

/// Writes each frame from `queue` to the server until every sender is gone.
async fn write_requests(
    mut queue: mpsc::Receiver<Vec<u8>>,
    writer: OwnedWriteHalf,
) -> io::Result<()> {
    let mut writer = BufWriter::new(writer);
    while let Some(frame) = queue.recv().await {
        writer.write_all(&frame).await?;
        while let Ok(frame) = queue.try_recv() {
            writer.write_all(&frame).await?;
        }
        writer.flush().await?;
    }
    writer.shutdown().await
}

/// Reads replies until the connection ends, giving each to the call waiting on its id.
/// At the end, sets `pending` to None: that drops every waiting sender, so every call
/// still waiting wakes up with an error.
async fn read_replies(mut reader: BufReader<OwnedReadHalf>, pending: Pending) {
    while let Ok(Some(payload)) = read_frame(&mut reader).await {
        let Ok(reply) = serde_json::from_slice::<Reply>(&payload) else {
            break; // not a reply: this server cannot be trusted with more calls
        };
        let waiting = pending
            .lock()
            .unwrap()
            .as_mut()
            .and_then(|table| table.remove(&reply.id));
        if let Some(call) = waiting {
            let _ = call.send(reply); // its caller may have given up waiting: fine
        }
    }
    pending.lock().unwrap().take();
}
