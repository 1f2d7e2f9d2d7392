//! The calls on one connection: each slot is one closed loop of calls (call, check,
//! record, call again), and all the slots of a connection share its one task, its reads and
//! its writes.

use std::fmt::Write as _;

use anyhow::{Context as _, bail};
use bytes::BytesMut;
use http2::frame::{self, Head, error, flag, kind};
use tokio::io::AsyncReadExt;
use tokio::time::Instant;

use super::{Connection, RECEIVE_WINDOW};
use crate::grpc::PAUSE_AFTER_ERROR;
use crate::grpc_reply::{Failure, check, check_status, encode};
use crate::runner::Schedule;
use crate::stats::Recorder;

/// One call in flight, or a slot waiting to make the next.
struct Slot {
    caller: usize,
    next_id: u64,
    name: String,
    stream: u32,
    sent: Instant,
    /// The reply so far: HTTP status seen, its message, the gRPC status once known.
    status_ok: bool,
    body: Vec<u8>,
    /// After an error, the slot waits until this time before calling again.
    resume_at: Option<Instant>,
    busy: bool,
}

impl Slot {
    fn new(caller: usize) -> Slot {
        Slot {
            caller,
            next_id: 0,
            name: String::new(),
            stream: 0,
            sent: Instant::now(),
            status_ok: false,
            body: Vec::new(),
            resume_at: None,
            busy: false,
        }
    }
}

/// What a response's header block says.
#[derive(Default)]
struct ResponseHead {
    http_status: Option<u16>,
    grpc_status: Option<Vec<u8>>,
    grpc_message: Option<Vec<u8>>,
}

impl ResponseHead {
    fn add(&mut self, name: &[u8], value: &[u8]) {
        match name {
            b":status" => {
                self.http_status = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
            }
            b"grpc-status" => self.grpc_status = Some(value.to_vec()),
            b"grpc-message" => self.grpc_message = Some(value.to_vec()),
            _ => {}
        }
    }

    /// `Ok` if `grpc-status` is 0; otherwise the status and its message.
    fn grpc_result(&self) -> Result<(), Failure> {
        check_status(self.grpc_status.as_deref(), self.grpc_message.as_deref())
    }
}

impl Connection {
    /// Keeps `pipeline` calls in flight (callers `first_caller` onwards) until the end of
    /// the schedule, and records each.
    pub(super) async fn calls(
        mut self,
        first_caller: usize,
        pipeline: usize,
        schedule: Schedule,
    ) -> Recorder {
        let mut record = Recorder::new();
        let mut slots: Vec<Slot> = (first_caller..first_caller + pipeline)
            .map(Slot::new)
            .collect();
        let calls = async {
            self.handshake().await?;
            self.call_loop(&mut slots, schedule, &mut record).await
        };
        let outcome = tokio::time::timeout_at(schedule.give_up_at, calls).await;
        for slot in slots.iter().filter(|slot| slot.busy) {
            match &outcome {
                Err(_) => record.error("no reply", || {
                    format!("no reply to {} by the end", slot.name)
                }),
                Ok(Err(e)) => record.error("error reply", || format!("{}: {e:#}", slot.name)),
                Ok(Ok(())) => {}
            }
        }
        if slots.iter().all(|slot| !slot.busy) {
            match &outcome {
                Err(_) => record.error("no reply", || "nothing from the server by the end".into()),
                Ok(Err(e)) => record.error("error reply", || format!("{e:#}")),
                Ok(Ok(())) => {}
            }
        }
        record
    }

    async fn call_loop(
        &mut self,
        slots: &mut [Slot],
        schedule: Schedule,
        record: &mut Recorder,
    ) -> anyhow::Result<()> {
        let mut buffer = BytesMut::with_capacity(64);
        let mut now = Instant::now();
        loop {
            // Every free slot makes its next call, as far as the server's limits allow.
            let mut in_flight = slots.iter().filter(|slot| slot.busy).count();
            for slot in slots.iter_mut() {
                let resting = slot.resume_at.is_some_and(|at| at > now);
                if slot.busy || resting || !schedule.sending(now) || in_flight >= self.max_streams {
                    continue;
                }
                if !self.start(slot, &mut buffer, now)? {
                    break;
                }
                in_flight += 1;
            }
            self.flush().await?;
            if in_flight == 0 {
                if !schedule.sending(now) {
                    return Ok(());
                }
                if let Some(at) = slots.iter().filter_map(|slot| slot.resume_at).min() {
                    tokio::time::sleep_until(at).await;
                    now = Instant::now();
                    continue;
                }
            }

            // Whatever arrived: every whole frame, in order.
            if self.socket.read_buf(&mut self.input).await? == 0 {
                bail!("the server closed the connection");
            }
            now = Instant::now();
            let input = std::mem::take(&mut self.input);
            let mut used = 0;
            let mut handled = Ok(());
            while let Some((head, payload, len)) = frame::next(&input[used..]) {
                used += len;
                handled = self.on_frame(head, payload, slots, now, schedule, record);
                if handled.is_err() {
                    break;
                }
            }
            self.input = input;
            self.input.drain(..used);
            handled?;
            self.input.reserve(frame::DEFAULT_MAX_FRAME);
        }
    }

    // ANCHOR: start
    /// Writes a call's HEADERS and DATA for `slot`, if flow control lets its DATA go.
    fn start(
        &mut self,
        slot: &mut Slot,
        buffer: &mut BytesMut,
        now: Instant,
    ) -> anyhow::Result<bool> {
        slot.name.clear();
        let _ = write!(slot.name, "w{}-{}", slot.caller, slot.next_id);
        let body = encode(buffer, &slot.name);
        let len = body.len() as i64;
        if len > self.send_window || len > self.stream_window {
            return Ok(false);
        }
        if self.next_stream > frame::MAX_WINDOW - 2 {
            bail!("this connection has used up its stream ids");
        }
        slot.next_id += 1;
        slot.stream = self.next_stream;
        self.next_stream += 2;
        frame::put(
            &mut self.out,
            kind::HEADERS,
            flag::END_HEADERS,
            slot.stream,
            &self.first_head,
        );
        frame::put(
            &mut self.out,
            kind::DATA,
            flag::END_STREAM,
            slot.stream,
            &body,
        );
        // After the first call, the server's table holds our headers.
        if let Some(indexed) = self.indexed_head.take() {
            self.first_head = indexed;
        }
        self.send_window -= len;
        slot.sent = now;
        slot.status_ok = false;
        slot.body.clear();
        slot.resume_at = None;
        slot.busy = true;
        Ok(true)
    }
    // ANCHOR_END: start

    fn on_frame(
        &mut self,
        head: Head,
        payload: &[u8],
        slots: &mut [Slot],
        now: Instant,
        schedule: Schedule,
        record: &mut Recorder,
    ) -> anyhow::Result<()> {
        if head.len > frame::DEFAULT_MAX_FRAME.max(RECEIVE_WINDOW as usize) {
            bail!("a frame of {} bytes", head.len);
        }
        let slot = slots
            .iter_mut()
            .find(|slot| slot.busy && slot.stream == head.stream);
        match head.kind {
            kind::HEADERS => {
                if !head.has(flag::END_HEADERS) {
                    bail!(
                        "the server split a reply's headers into CONTINUATION frames; this client does not read those"
                    );
                }
                let block = frame::unpadded(&head, payload).context("bad padding")?;
                let mut response = ResponseHead::default();
                self.decoder
                    .decode(block, |name, value| response.add(name, value))?;
                let Some(slot) = slot else { return Ok(()) };
                let result = if !slot.status_ok {
                    // The response's head: HTTP 200, and perhaps already the status.
                    match response.http_status {
                        Some(200) => {
                            slot.status_ok = true;
                            if head.has(flag::END_STREAM) {
                                response
                                    .grpc_result()
                                    .and(Err(Failure::Call("no message".into())))
                            } else {
                                return Ok(());
                            }
                        }
                        Some(status) => Err(Failure::Call(format!("HTTP status {status}"))),
                        None => Err(Failure::Call("a response without :status".into())),
                    }
                } else {
                    response
                        .grpc_result()
                        .and_then(|()| check(&slot.body, &slot.name))
                };
                finish(slot, result, now, schedule, record);
            }
            kind::DATA => {
                self.unacknowledged += payload.len() as u32;
                if self.unacknowledged >= RECEIVE_WINDOW / 2 {
                    frame::put_window_update(&mut self.out, 0, self.unacknowledged);
                    self.unacknowledged = 0;
                }
                let Some(slot) = slot else { return Ok(()) };
                slot.body
                    .extend_from_slice(frame::unpadded(&head, payload).context("bad padding")?);
                if head.has(flag::END_STREAM) {
                    let result = Err(Failure::Call("no trailers, so no grpc-status".into()));
                    finish(slot, result, now, schedule, record);
                }
            }
            kind::RST_STREAM => {
                if let Some(slot) = slot {
                    let code = frame::u32_at(payload, 0).unwrap_or(error::PROTOCOL_ERROR);
                    finish(
                        slot,
                        Err(Failure::Call(format!("stream reset, error code {code}"))),
                        now,
                        schedule,
                        record,
                    );
                }
            }
            kind::SETTINGS if !head.has(flag::ACK) => {
                // Our headers stay in the server's table unless it shrinks the table below
                // them, which would need a table size update this client does not send.
                if let Some(size) = self.apply_settings(payload)?
                    && size < self.table_needed
                {
                    bail!("the server shrank its header table to {size} bytes mid-connection");
                }
            }
            kind::PING if !head.has(flag::ACK) => {
                frame::put(&mut self.out, kind::PING, flag::ACK, 0, payload)
            }
            kind::WINDOW_UPDATE if head.stream == 0 => {
                self.send_window +=
                    i64::from(frame::u32_at(payload, 0).unwrap_or(0) & frame::MAX_WINDOW);
            }
            kind::GOAWAY => {
                let code = frame::u32_at(payload, 4).unwrap_or(0);
                let why =
                    String::from_utf8_lossy(payload.get(8..).unwrap_or_default()).into_owned();
                bail!("the server sent GOAWAY (error code {code}): {why}");
            }
            _ => {}
        }
        Ok(())
    }
}

/// A call is over: counts it, and after a failed call rests the slot a moment, so that a
/// server that fails every call at once is not called in a tight loop.
fn finish(
    slot: &mut Slot,
    result: Result<(), Failure>,
    now: Instant,
    schedule: Schedule,
    record: &mut Recorder,
) {
    slot.busy = false;
    match result {
        Ok(()) if schedule.measures(slot.sent, now) => record.ok(now - slot.sent),
        Ok(()) => record.answered(),
        Err(Failure::Wrong(why)) => record.error("wrong reply", || why),
        Err(Failure::Call(why)) => {
            record.error("error reply", || format!("{}: {why}", slot.name));
            slot.resume_at = Some(now + PAUSE_AFTER_ERROR);
        }
    }
}
