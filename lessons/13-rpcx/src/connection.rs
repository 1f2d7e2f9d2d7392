//! One client connection to one rpcx server, carrying many calls at once: each request gets
//! the next sequence number, and a reader task hands every answer to the call that waits
//! for its number.
//!
//! How a call fails says whether trying again is safe. A request that never left (the
//! connection could not be made, or was already closed) cannot have run: [`CallError::Unreached`].
//! One whose answer never came may have run: [`CallError::Lost`], [`CallError::TimedOut`].
//! And an answer with an error is the server's verdict: [`CallError::Service`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::oneshot;
use tracing::debug;

use crate::codec::{self, Payload};
use crate::header::{Header, Serialize as Format};
use crate::message::{self, Message};

/// How long a call waits for its answer.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

// ANCHOR: errors
/// Why a call did not return a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The request never reached the server: it cannot have run.
    #[error("not sent: {0}")]
    Unreached(String),
    /// The connection ended before the answer came: the call may have run.
    #[error("no answer: {0}")]
    Lost(String),
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    /// The server answered with an error (`__rpcx_error__`).
    #[error("{0}")]
    Service(String),
    /// The arguments or the reply could not be (de)serialized.
    #[error("payload: {0}")]
    Payload(String),
    #[error("no server of {0} is registered")]
    NoServer(String),
}

impl CallError {
    /// Whether another try cannot run the call twice.
    pub fn could_not_have_run(&self) -> bool {
        matches!(self, CallError::Unreached(_) | CallError::NoServer(_))
    }
}
// ANCHOR_END: errors

type Waiting = Arc<Mutex<HashMap<u64, oneshot::Sender<Message>>>>;

/// A connection to one rpcx server.
pub struct Connection {
    address: String,
    writer: tokio::sync::Mutex<OwnedWriteHalf>,
    waiting: Waiting,
    next_seq: AtomicU64,
    closed: Arc<AtomicBool>,
    format: Format,
}

impl Connection {
    /// Connects to `address` (`host:port`); payloads will be written in `format`.
    pub async fn connect(address: &str, format: Format) -> Result<Connection, CallError> {
        let dialed = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address)).await;
        let stream = match dialed {
            Ok(Ok(stream)) => stream,
            Ok(Err(error)) => return Err(CallError::Unreached(format!("{address}: {error}"))),
            Err(_) => {
                return Err(CallError::Unreached(format!(
                    "{address}: connect timed out"
                )));
            }
        };
        let _ = stream.set_nodelay(true);
        let (reader, writer) = stream.into_split();
        let waiting = Waiting::default();
        let closed = Arc::new(AtomicBool::new(false));
        tokio::spawn(read_answers(reader, waiting.clone(), closed.clone()));
        Ok(Connection {
            address: address.to_string(),
            writer: tokio::sync::Mutex::new(writer),
            waiting,
            next_seq: AtomicU64::new(0), // rpcx's client counts from 0 too
            closed,
            format,
        })
    }

    /// Where this connection goes.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Whether the server closed it (or it broke): a client dials again.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    // ANCHOR: call
    /// Calls `service.method(args)` and decodes the reply as an `R`.
    pub async fn call<A: Payload, R: Payload>(
        &self,
        service: &str,
        method: &str,
        args: &A,
    ) -> Result<R, CallError> {
        let payload = codec::encode(self.format, args).map_err(CallError::Payload)?;
        let request = Message {
            header: Header::request(self.next_seq(), self.format),
            service_path: service.to_string(),
            service_method: method.to_string(),
            metadata: Vec::new(),
            payload,
        };
        let answer = self.send(request).await?;
        if let Some(error) = answer.service_error() {
            return Err(CallError::Service(error.to_string()));
        }
        // An answer is read by its own serialize type, as rpcx's client reads it.
        codec::decode(answer.header.serialize, &answer.payload).map_err(CallError::Payload)
    }
    // ANCHOR_END: call

    /// The next sequence number on this connection.
    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed)
    }

    /// Writes a frame; a connection already closed, or a write that fails, is `Unreached`.
    pub async fn write(&self, frame: &[u8]) -> Result<(), CallError> {
        if self.is_closed() {
            return Err(CallError::Unreached(format!(
                "{} closed the connection",
                self.address
            )));
        }
        let mut writer = self.writer.lock().await;
        writer
            .write_all(frame)
            .await
            .map_err(|error| CallError::Unreached(format!("{}: {error}", self.address)))
    }

    // ANCHOR: send
    /// Sends `request` and waits for the answer with its sequence number.
    pub async fn send(&self, request: Message) -> Result<Message, CallError> {
        let seq = request.header.seq;
        let (answered, answer) = oneshot::channel();
        micro::locks::lock(&self.waiting).insert(seq, answered);
        if let Err(error) = self.write(&request.encode()).await {
            micro::locks::lock(&self.waiting).remove(&seq);
            return Err(error);
        }
        match tokio::time::timeout(CALL_TIMEOUT, answer).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => Err(CallError::Lost(format!(
                "{} closed the connection",
                self.address
            ))),
            Err(_) => {
                micro::locks::lock(&self.waiting).remove(&seq);
                Err(CallError::TimedOut(CALL_TIMEOUT))
            }
        }
    }
    // ANCHOR_END: send
}

// ANCHOR: read_answers
/// Hands each answer to the call waiting for its sequence number, until the connection
/// ends; then every call still waiting learns it (its sender is dropped).
async fn read_answers(mut reader: OwnedReadHalf, waiting: Waiting, closed: Arc<AtomicBool>) {
    loop {
        match message::read(&mut reader).await {
            Ok(Some(answer)) => {
                let waiter = micro::locks::lock(&waiting).remove(&answer.header.seq);
                match waiter {
                    Some(waiter) => {
                        let _ = waiter.send(answer);
                    }
                    None => debug!(seq = answer.header.seq, "an answer nobody waits for"),
                }
            }
            Ok(None) => break,
            Err(error) => {
                debug!(%error, "the connection broke");
                break;
            }
        }
    }
    closed.store(true, Ordering::Release);
    micro::locks::lock(&waiting).clear();
}
// ANCHOR_END: read_answers
