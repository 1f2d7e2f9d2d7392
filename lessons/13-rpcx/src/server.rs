//! An rpcx server for `Arith`: one task reads a connection's requests, each call runs in a
//! task of its own, and one writer sends the answers in the order they are ready — a client
//! pairs them with its requests by sequence number, as rpcx's does.
//!
//! Three kinds of request are not calls: a heartbeat is answered with its own payload, a
//! oneway request runs and is not answered, and a frame that cannot be read is answered
//! with an error (sequence number 0 when the header was not readable) before the connection
//! closes. Other connections never notice: each has its own tasks.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;
use tracing::{info, warn};

use crate::arith;
use crate::header::{Compress, Header, Serialize};
use crate::message::{self, GZIP_ABOVE, Message, SERVICE_ERROR};

/// How long open connections get to finish once the server is told to stop.
pub const GRACE: Duration = Duration::from_secs(5);

/// Calls of one connection running at once; the next request is read when one ends.
const IN_FLIGHT: usize = 64;

/// Heartbeats one connection may send in a second. rpcx's client sends one every
/// `HeartbeatInterval` (seconds, usually); a connection past this is flooding.
pub const HEARTBEATS_PER_SECOND: u32 = 10;

/// How the server behaves, beyond where it listens.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Answer every call this late: a slow node, to watch what a client's fail mode does.
    pub answer_after: Duration,
}

// ANCHOR: serve
/// Serves `Arith` on `listener` until `shutdown` resolves, then stops as every server of
/// the course does (`shared::accept`).
pub async fn serve(
    listener: TcpListener,
    options: Options,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    let served_by = listener.local_addr()?;
    shared::accept::serve(listener, shutdown, GRACE, move |stream, peer| {
        serve_connection(stream, peer, served_by, options)
    })
    .await;
    Ok(())
}
// ANCHOR_END: serve

// ANCHOR: connection
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    served_by: SocketAddr,
    options: Options,
) {
    let (mut reader, writer) = stream.into_split();
    let (answers, to_write) = mpsc::channel::<Vec<u8>>(IN_FLIGHT);
    let writing = tokio::spawn(write_answers(writer, to_write));
    let running = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut heartbeats = Budget::per_second(HEARTBEATS_PER_SECOND);
    loop {
        let request = match message::read(&mut reader).await {
            Ok(Some(request)) => request,
            Ok(None) => break,
            Err(error) => {
                warn!(%peer, %error, "unreadable frame; closing the connection");
                let _ = answers.send(refusal(0, &error.to_string())).await;
                break;
            }
        };
        let header = request.header;
        if header.response {
            let _ = answers
                .send(refusal(header.seq, "a response where a request belongs"))
                .await;
            break;
        }
        if header.heartbeat {
            if !heartbeats.spend() {
                let why = format!("more than {HEARTBEATS_PER_SECOND} heartbeats in a second");
                warn!(%peer, "{why}; closing the connection");
                let _ = answers.send(refusal(header.seq, &why)).await;
                break;
            }
            // rpcx answers a heartbeat with the request itself, marked a response.
            let echo = Message {
                header: header.answer(),
                ..request
            };
            let _ = answers.send(echo.encode()).await;
            continue;
        }
        let Ok(permit) = running.clone().acquire_owned().await else {
            break;
        };
        let answers = answers.clone();
        tokio::spawn(async move {
            tokio::time::sleep(options.answer_after).await;
            let answer = run(&request, served_by);
            if !header.oneway {
                let _ = answers.send(answer.encode()).await;
            }
            drop(permit);
        });
    }
    // The writer ends once every running call has sent its answer (each holds a sender).
    drop(answers);
    let _ = writing.await;
}
// ANCHOR_END: connection

// ANCHOR: run
/// The answer to one call: its reply, or its error under `__rpcx_error__` with the status
/// `Error`. The answer keeps the request's service path and method, as rpcx's does.
fn run(request: &Message, served_by: SocketAddr) -> Message {
    let (service, method) = (&request.service_path, &request.service_method);
    let outcome = arith::call(service, method, request.header.serialize, &request.payload);
    info!(%served_by, "{service}.{method}: {}", if outcome.is_ok() { "ok" } else { "error" });
    let mut answer = Message {
        header: request.header.answer(),
        service_path: service.clone(),
        service_method: method.clone(),
        metadata: Vec::new(),
        payload: Vec::new(),
    };
    match outcome {
        Ok(reply) => answer.payload = reply,
        Err(error) => {
            answer.header.error = true;
            answer.metadata.push((SERVICE_ERROR.to_string(), error));
        }
    }
    // rpcx compresses an answer only when the request was compressed and the answer is
    // worth it: longer than 1 KiB.
    answer.header.compress = match request.header.compress {
        Compress::Gzip if answer.payload.len() > GZIP_ABOVE => Compress::Gzip,
        _ => Compress::None,
    };
    answer
}
// ANCHOR_END: run

// ANCHOR: refusal
/// The error answer to a frame this server will not serve.
fn refusal(seq: u64, why: &str) -> Vec<u8> {
    let header = Header {
        error: true,
        ..Header::request(seq, Serialize::MsgPack).answer()
    };
    Message {
        header,
        service_path: String::new(),
        service_method: String::new(),
        metadata: vec![(SERVICE_ERROR.to_string(), why.to_string())],
        payload: Vec::new(),
    }
    .encode()
}
// ANCHOR_END: refusal

async fn write_answers(mut writer: OwnedWriteHalf, mut to_write: mpsc::Receiver<Vec<u8>>) {
    while let Some(frame) = to_write.recv().await {
        if let Err(error) = writer.write_all(&frame).await {
            info!(%error, "the client went away; answers dropped");
            return;
        }
    }
    let _ = writer.shutdown().await;
}

/// So many events per second: a window that starts at the first event and a count in it.
struct Budget {
    limit: u32,
    window: Option<(Instant, u32)>,
}

impl Budget {
    fn per_second(limit: u32) -> Budget {
        Budget {
            limit,
            window: None,
        }
    }

    /// Counts one event; `false` when it is past the limit of its second.
    fn spend(&mut self) -> bool {
        let now = Instant::now();
        let (started, count) = match self.window {
            Some((started, count)) if now.duration_since(started) < Duration::from_secs(1) => {
                (started, count + 1)
            }
            _ => (now, 1),
        };
        self.window = Some((started, count));
        count <= self.limit
    }
}
