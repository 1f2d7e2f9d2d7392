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
        // TODO: take a fresh id (`fetch_add`), build the `Request`, `encode` it.
        // TODO: make a oneshot channel and put its sender in `pending` under the id
        //       *before* sending (if `pending` is None, the connection is gone: Closed).
        // TODO: send the frame to the writer task; then await the oneshot receiver.
        //       A dropped sender means the connection ended. `Reply::into_outcome` turns the
        //       reply into Ok(result) or Err(message).
        todo!("register the call under a fresh id, send it, and wait for its reply")
    }
}

/// Writes each frame from `queue` to the server until every sender is gone.
async fn write_requests(
    mut queue: mpsc::Receiver<Vec<u8>>,
    writer: OwnedWriteHalf,
) -> io::Result<()> {
    let mut writer = BufWriter::new(writer);
    // TODO: for each frame: `write_all` it, then `flush` (or first write every frame that
    //       `try_recv` still gives, then flush once).
    todo!("write the queued requests to the socket")
}

/// Reads replies until the connection ends, giving each to the call waiting on its id.
/// At the end, sets `pending` to None: that drops every waiting sender, so every call
/// still waiting wakes up with an error.
async fn read_replies(mut reader: BufReader<OwnedReadHalf>, pending: Pending) {
    // TODO: loop on `read_frame`; parse each payload as a `Reply`
    //       (`serde_json::from_slice`); remove its id's sender from `pending` and `send`.
    // TODO: on the end of the stream or any error, leave the loop and `take()` the table.
    todo!("hand each reply to the call waiting for its id")
}
