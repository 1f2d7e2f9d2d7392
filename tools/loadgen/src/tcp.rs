//! The closed loop over one TCP connection, shared by the byte protocols.
//!
//! Lessons 01–03 all send bytes over a TCP connection; they differ only in how a request
//! is written and a reply is cut out of the bytes that arrive. That difference is a
//! [`Codec`]; the loop here is the same for all of them.
//!
//! With `--pipeline P` each connection keeps P requests outstanding: it starts by writing
//! P requests, and writes one new request for every reply it reads. Replies are matched to
//! requests by id (servers may answer out of order), or by order for the echo protocol,
//! which has no ids.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::Protocol;
use crate::runner::{self, Schedule, Settings};
use crate::stats::{Recorder, Report};

/// The longest reply a codec accepts before it gives up on the connection (lesson 02's
/// frame limit; lines are held to the same).
pub const LONGEST_REPLY: usize = 1 << 20;

/// How long a worker waits before it reconnects after losing its connection, so that a
/// server that hangs up at once is not hammered with connection attempts.
const RECONNECT_PAUSE: Duration = Duration::from_millis(50);

// ANCHOR: codec
/// How one byte protocol writes a request and reads a reply.
pub trait Codec: Copy + Send + Sync + 'static {
    /// True when replies carry no id and come back in the order of the requests.
    const IN_ORDER: bool = false;

    /// Appends request `id`, which asks about `name`, to `out`.
    fn encode(&self, id: u64, name: &str, out: &mut Vec<u8>);

    /// Cuts one whole reply off the front of `buf`: `Ok(None)` if none has fully arrived
    /// yet, `Err` if the bytes cannot be a reply, so the connection cannot be trusted.
    fn decode(&self, buf: &mut BytesMut) -> Result<Option<Reply>, String>;

    /// The result a right server returns for `name`, e.g. `"w3-17 hello world"`.
    fn expected(&self, name: &str) -> String {
        format!("{name} hello world")
    }
}

/// One reply, as a codec read it.
#[derive(Debug, PartialEq)]
pub struct Reply {
    /// The id of the request it answers (`None` for in-order protocols).
    pub id: Option<u64>,
    pub outcome: Outcome,
}

/// What a reply says.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// A result that is a string (right or wrong: the loop compares it).
    Result(String),
    /// An error reply, with its message.
    Error(String),
    /// A well-framed reply that is neither, e.g. a number as result.
    Malformed(String),
}
// ANCHOR_END: codec

/// Runs `codec` over `settings.connections` TCP connections.
pub async fn run<C: Codec>(
    codec: C,
    protocol: Protocol,
    settings: &Settings,
) -> anyhow::Result<Report> {
    let streams = runner::connect_all(settings, connect).await?;
    let addr = settings.addr();
    let pipeline = settings.pipeline();
    let record = runner::run_workers(settings, streams, move |n, stream, schedule| {
        worker(codec, n, stream, addr, pipeline, schedule)
    })
    .await;
    Ok(Report::new(settings.info(protocol), record))
}

async fn connect(addr: SocketAddr) -> anyhow::Result<TcpStream> {
    let stream = TcpStream::connect(addr).await?;
    // Small requests must leave at once, not wait for Nagle's algorithm to fill a packet.
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// One connection's worker: runs sessions until the schedule ends, reconnecting when the
/// server drops the connection (every request lost with it counts as an error).
async fn worker<C: Codec>(
    codec: C,
    n: usize,
    stream: TcpStream,
    addr: SocketAddr,
    pipeline: usize,
    schedule: Schedule,
) -> Recorder {
    let mut record = Recorder::new();
    let mut calls = Calls {
        worker: n,
        next_id: 0,
    };
    let mut stream = Some(stream);
    loop {
        if let Some(stream) = stream.take() {
            let mut pending = VecDeque::with_capacity(pipeline);
            let session = Session {
                codec,
                pipeline,
                schedule,
                pending: &mut pending,
            };
            if let Err(why) = session.run(stream, &mut calls, &mut record).await {
                let lost = pending.len().max(1) as u64;
                record.errors("connection lost", lost, || format!("connection {n}: {why}"));
            }
        }
        if !schedule.sending(Instant::now()) {
            return record;
        }
        tokio::time::sleep(RECONNECT_PAUSE).await;
        match connect(addr).await {
            Ok(s) => stream = Some(s),
            Err(e) => record.error("connect failed", || format!("connection {n}: {e}")),
        }
    }
}

/// Names each request of one worker: `w<worker>-<id>`, so a reply meant for another
/// request, or another worker, is seen to be wrong.
struct Calls {
    worker: usize,
    next_id: u64,
}

impl Calls {
    fn next(&mut self) -> Pending {
        let id = self.next_id;
        self.next_id += 1;
        Pending {
            id,
            name: format!("w{}-{id}", self.worker),
            sent: Instant::now(),
        }
    }
}

/// A request written and not yet answered.
struct Pending {
    id: u64,
    name: String,
    sent: Instant,
}

/// One connection's life, from the first request to the drain (or a failure).
struct Session<'a, C> {
    codec: C,
    pipeline: usize,
    schedule: Schedule,
    pending: &'a mut VecDeque<Pending>,
}

impl<C: Codec> Session<'_, C> {
    // ANCHOR: closed_loop
    /// Keeps `pipeline` requests outstanding until the measured window ends, then waits
    /// for the last replies. `Err` says why the connection was lost.
    async fn run(
        self,
        mut stream: TcpStream,
        calls: &mut Calls,
        record: &mut Recorder,
    ) -> Result<(), String> {
        let Session {
            codec,
            pipeline,
            schedule,
            pending,
        } = self;
        let (mut reader, mut writer) = stream.split();
        let mut received = BytesMut::with_capacity(64 * 1024);
        let mut out = Vec::with_capacity(4096);
        let give_up = tokio::time::sleep_until(schedule.give_up_at);
        tokio::pin!(give_up);

        let mut to_send = if schedule.sending(Instant::now()) {
            pipeline
        } else {
            0
        };
        loop {
            // Write the new requests in one go, stamped with the time they leave.
            if to_send > 0 {
                for _ in 0..to_send {
                    let call = calls.next();
                    codec.encode(call.id, &call.name, &mut out);
                    pending.push_back(call);
                }
                let now = Instant::now();
                pending
                    .iter_mut()
                    .rev()
                    .take(to_send)
                    .for_each(|p| p.sent = now);
                writer
                    .write_all(&out)
                    .await
                    .map_err(|e| format!("write failed: {e}"))?;
                out.clear();
                to_send = 0;
            }
            if pending.is_empty() {
                return Ok(());
            }
            // Wait for more bytes, or give up on the requests still out.
            let read = tokio::select! {
                biased;
                read = reader.read_buf(&mut received) => read,
                () = &mut give_up => {
                    give_up_on(pending, record);
                    return Ok(());
                }
            };
            match read {
                Ok(0) => return Err("the server closed the connection".into()),
                Ok(_) => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
            let now = Instant::now();
            // Check every whole reply that arrived; each one makes room for a new request.
            while let Some(reply) = codec.decode(&mut received)? {
                if check(codec, reply, pending, schedule, now, record) && schedule.sending(now) {
                    to_send += 1;
                }
            }
        }
    }
    // ANCHOR_END: closed_loop
}

/// Counts every request still outstanding at the end of the drain as lost.
fn give_up_on(pending: &mut VecDeque<Pending>, record: &mut Recorder) {
    let lost = pending.len() as u64;
    if let Some(first) = pending.front() {
        record.errors("no reply", lost, || {
            let more = lost - 1;
            let after = runner::DRAIN;
            format!(
                "no reply to {} (and {more} more) within {after:?} after the end",
                first.name
            )
        });
    }
    pending.clear();
}

// ANCHOR: check
/// Matches `reply` to its request and checks it. Returns whether a request was answered
/// (rightly or wrongly), which frees its place in the pipeline.
fn check<C: Codec>(
    codec: C,
    reply: Reply,
    pending: &mut VecDeque<Pending>,
    schedule: Schedule,
    now: Instant,
    record: &mut Recorder,
) -> bool {
    let found = if C::IN_ORDER {
        pending.pop_front()
    } else {
        let position = pending.iter().position(|p| Some(p.id) == reply.id);
        position.and_then(|i| pending.remove(i))
    };
    let Some(call) = found else {
        record.error("unknown id", || {
            format!("a reply to no outstanding request: {reply:?}")
        });
        return false;
    };
    match reply.outcome {
        Outcome::Result(got) if got == codec.expected(&call.name) => {
            if schedule.measures(call.sent, now) {
                record.ok(now - call.sent);
            } else {
                record.answered();
            }
        }
        Outcome::Result(got) => record.error("wrong reply", || {
            format!("expected {:?}, got {got:?}", codec.expected(&call.name))
        }),
        Outcome::Error(message) => record.error("error reply", || {
            format!("{} answered with an error: {message}", call.name)
        }),
        Outcome::Malformed(what) => record.error("malformed reply", || {
            format!("reply to {}: {what}", call.name)
        }),
    }
    true
}
// ANCHOR_END: check

/// Cuts one newline-terminated line off `buf` (for the line protocols), without the
/// newline (and without a `\r` before it).
pub fn cut_line(buf: &mut BytesMut) -> Result<Option<BytesMut>, String> {
    match buf.iter().position(|&b| b == b'\n') {
        Some(end) => {
            let mut line = buf.split_to(end + 1);
            line.truncate(end);
            if line.last() == Some(&b'\r') {
                line.truncate(end - 1);
            }
            Ok(Some(line))
        }
        None if buf.len() > LONGEST_REPLY => Err(format!(
            "a line longer than {LONGEST_REPLY} bytes and no newline"
        )),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cut_at_newlines() {
        let mut buf = BytesMut::from(&b"one\ntwo\r\nthr"[..]);
        assert_eq!(cut_line(&mut buf).unwrap().as_deref(), Some(&b"one"[..]));
        assert_eq!(cut_line(&mut buf).unwrap().as_deref(), Some(&b"two"[..]));
        assert_eq!(cut_line(&mut buf).unwrap(), None);
        assert_eq!(&buf[..], b"thr");
    }

    #[test]
    fn an_endless_line_is_an_error() {
        let mut buf = BytesMut::from(&vec![b'x'; LONGEST_REPLY + 1][..]);
        assert!(cut_line(&mut buf).unwrap_err().contains("longer than"));
    }
}
