//! The RPC client: many calls on one connection, replies matched by id.
//!
//! `call` does not wait for the previous call to finish. It takes a fresh id, leaves a
//! oneshot channel under that id in the table of pending calls, queues the request for the
//! writer task, and waits on its channel. The reader task reads replies as they come —
//! in whatever order the server finishes them — and hands each to the channel under its
//! id. When the connection ends, every call still waiting gets `RpcError::Closed`.
//!
//! ```text
//! call(1) ─┐                                        ┌─▶ pending[1] ─▶ call(1) returns
//! call(2) ─┼─▶ writer ─▶ socket ··· socket ─▶ reader ┤
//! call(3) ─┘                                        └─▶ pending[3] ─▶ call(3) returns
//! ```

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncWriteExt, BufReader, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpStream, ToSocketAddrs};
use tokio::sync::{mpsc, oneshot};
use tracing::debug;

use crate::frame::{self, FrameError};
use crate::message::{Reply, Request};

// ANCHOR: error
/// How a call can fail.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// The method ran and failed, or the server could not run it: the reply's `error`.
    #[error("{0}")]
    Service(String),
    /// The connection ended before the reply came.
    #[error("rpc: the connection closed before the reply came")]
    Closed,
    /// The params or the result did not convert to or from JSON as the types say.
    #[error("rpc: {0}")]
    Json(#[from] serde_json::Error),
    /// The request could not be framed (it is over the size limit).
    #[error("rpc: {0}")]
    Frame(#[from] FrameError),
    /// No reply came within the caller's deadline (the `rpc.client` exercise).
    #[error("rpc: no reply within {0:?}")]
    TimedOut(std::time::Duration),
}
// ANCHOR_END: error

/// Calls waiting for their replies, by id. `None` once the connection has ended.
pub(crate) type Pending = Arc<Mutex<Option<HashMap<u64, oneshot::Sender<Reply>>>>>;

/// A call registered in the table of pending calls and not sent yet ([`Client::begin`]).
pub(crate) struct Begun {
    /// The call's id, under which its reply will come.
    pub id: u64,
    /// The request, framed.
    pub frame: Vec<u8>,
    /// Where its reply will arrive.
    pub reply: oneshot::Receiver<Reply>,
}

/// A connection to an RPC server. Cheap to clone: clones share the connection.
#[derive(Clone)]
pub struct Client {
    /// Encoded request frames, for the writer task.
    pub(crate) requests: mpsc::Sender<Vec<u8>>,
    pub(crate) pending: Pending,
    pub(crate) next_id: Arc<AtomicU64>,
}

impl Client {
    /// Connects to the server at `addr`.
    pub async fn connect(addr: impl ToSocketAddrs) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (reader, writer) = stream.into_split();
        Ok(Client::new(BufReader::new(reader), writer))
    }

    /// Runs the client over a connection that is already open (see `http::dial`).
    pub fn new(reader: BufReader<OwnedReadHalf>, writer: OwnedWriteHalf) -> Client {
        let (requests, queue) = mpsc::channel(1024);
        let pending: Pending = Arc::new(Mutex::new(Some(HashMap::new())));
        tokio::spawn(write_requests(queue, writer));
        tokio::spawn(read_replies(reader, Arc::clone(&pending)));
        Client {
            requests,
            pending,
            next_id: Arc::new(AtomicU64::new(1)),
        }
    }

    // ANCHOR: call
    /// Calls `method` ("Service.Method") with `params` and waits for its result.
    pub async fn call(&self, method: &str, params: impl Serialize) -> Result<Value, RpcError> {
        let Begun { id, frame, reply } = self.begin(method, params)?;
        if self.requests.send(frame).await.is_err() {
            self.forget(id);
            return Err(RpcError::Closed);
        }
        match reply.await {
            Ok(reply) => reply.into_outcome().map_err(RpcError::Service),
            // The reader task dropped the table: the connection ended first.
            Err(_) => Err(RpcError::Closed),
        }
    }

    /// Makes a call's request under a fresh id, and leaves the call's channel in the table
    /// of pending calls under that id, where the reader task will find it. Nothing is sent.
    pub(crate) fn begin(&self, method: &str, params: impl Serialize) -> Result<Begun, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let request = Request {
            id,
            method: method.to_owned(),
            params: serde_json::to_value(params)?,
        };
        let frame = frame::encode(&request)?;

        // Register before sending: the reply may arrive before `send` returns.
        let (reply_to, reply) = oneshot::channel();
        match lock(&self.pending).as_mut() {
            Some(pending) => pending.insert(id, reply_to),
            None => return Err(RpcError::Closed),
        };
        Ok(Begun { id, frame, reply })
    }

    /// Takes the call under `id` out of the table of pending calls, if it is still there.
    pub(crate) fn forget(&self, id: u64) {
        if let Some(pending) = lock(&self.pending).as_mut() {
            pending.remove(&id);
        }
    }
    // ANCHOR_END: call

    /// How many calls are waiting for their replies.
    pub fn calls_waiting(&self) -> usize {
        lock(&self.pending).as_ref().map_or(0, HashMap::len)
    }

    /// [`call`](Client::call), with the result decoded into the type the caller expects.
    pub async fn call_as<T: DeserializeOwned>(
        &self,
        method: &str,
        params: impl Serialize,
    ) -> Result<T, RpcError> {
        Ok(serde_json::from_value(self.call(method, params).await?)?)
    }
}

/// The table of pending calls. Nothing panics while holding it, so it is never poisoned;
/// if it were, the table itself would still be fine to use.
pub(crate) fn lock(
    pending: &Pending,
) -> std::sync::MutexGuard<'_, Option<HashMap<u64, oneshot::Sender<Reply>>>> {
    pending.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Writes queued requests, flushing when the queue is empty. Ends when every `Client`
/// clone is gone, closing the sending side: the server then finishes and closes too.
async fn write_requests(
    mut queue: mpsc::Receiver<Vec<u8>>,
    writer: OwnedWriteHalf,
) -> std::io::Result<()> {
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

// ANCHOR: read_replies
/// Hands each reply to the call waiting under its id, until the connection ends; then
/// fails every call still waiting (dropping its channel) and refuses new ones.
async fn read_replies(mut reader: BufReader<OwnedReadHalf>, pending: Pending) {
    loop {
        let reply = match frame::read_frame(&mut reader).await {
            Ok(Some(payload)) => {
                serde_json::from_slice::<Reply>(&payload).map_err(|error| error.to_string())
            }
            Ok(None) => break,
            Err(error) => Err(error.to_string()),
        };
        match reply {
            Ok(reply) => {
                let waiting = lock(&pending)
                    .as_mut()
                    .and_then(|pending| pending.remove(&reply.id));
                match waiting {
                    Some(call) => drop(call.send(reply)), // the caller may have given up: fine
                    None => debug!(id = reply.id, "a reply nobody is waiting for"),
                }
            }
            Err(error) => {
                debug!(%error, "cannot read replies; closing the client");
                break;
            }
        }
    }
    lock(&pending).take();
}
// ANCHOR_END: read_replies
