//! NATS's text protocol (lesson 12): a control line per operation, ended by `\r\n`, and for
//! `PUB`, `HPUB`, `MSG` and `HMSG` a payload of the size the line announces, then `\r\n`.
//!
//! - `INFO {…}` (server) and `CONNECT {…}` (client): JSON, shown laid out;
//! - `PUB subject [reply] size` and `MSG subject sid [reply] size`: a payload, read as
//!   go-micro's broker message when it is one (lesson 12's NATS broker sends that JSON);
//! - `HPUB subject [reply] hdr-size total-size`, `HMSG subject sid [reply] hdr total`: the
//!   same with headers first (`NATS/1.0 503` is the server's "no responders");
//! - `SUB subject [queue] sid`, `UNSUB sid [max]`, `PING`, `PONG`, `+OK`, `-ERR '…'`.
//!
//! Bounded as the server bounds a client: a control line longer than [`MAX_CONTROL_LINE`]
//! or a payload over [`MAX_PAYLOAD`] is shown broken and the side is no longer decoded; a
//! line that is no operation is shown broken and decoding goes on at the next line.

use super::broker;
use super::message::{Decode, Direction, Message, Pending, Step, pretty_json, printable};

/// The longest control line: nats-server's default `max_control_line` (4 KiB).
pub const MAX_CONTROL_LINE: usize = 4096;

/// The largest payload: nats-server's default `max_payload` (1 MiB).
pub const MAX_PAYLOAD: usize = 1024 * 1024;

/// Splits each side into NATS operations.
#[derive(Default)]
pub struct Nats {
    sides: [Pending; 2],
}

impl Decode for Nats {
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        self.sides[direction.index()].feed(direction, bytes, out, |buffer| next(buffer, direction));
    }

    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>) {
        self.sides[direction.index()].leftover(direction, "a NATS operation", out);
    }
}

/// The first operation in `buffer`, if it is all there.
fn next(buffer: &[u8], direction: Direction) -> Step {
    let Some(newline) = buffer.iter().position(|b| *b == b'\n') else {
        if buffer.len() > MAX_CONTROL_LINE {
            return Step::Lost(format!(
                "no end of a NATS control line in {MAX_CONTROL_LINE} bytes (the server's max_control_line)"
            ));
        }
        return Step::NeedMore;
    };
    if newline > MAX_CONTROL_LINE {
        return Step::Lost(format!(
            "a NATS control line of {newline} bytes, over the server's max_control_line of {MAX_CONTROL_LINE}"
        ));
    }
    let line_end = newline + 1;
    let line = &buffer[..newline];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Ok(text) = std::str::from_utf8(line) else {
        let why = format!("not NATS: a line that is not text: {}", printable(line, 60));
        return Step::Whole(
            line_end,
            Message::broken(direction, &buffer[..line_end], why),
        );
    };
    let (op, args) = text
        .trim_start()
        .split_once([' ', '\t'])
        .unwrap_or((text.trim_start(), ""));
    let args = args.trim();
    let op = op.to_ascii_uppercase();
    let shape = match op.as_str() {
        "PUB" => Payload::new(args, false, false),
        "HPUB" => Payload::new(args, false, true),
        "MSG" => Payload::new(args, true, false),
        "HMSG" => Payload::new(args, true, true),
        "INFO" | "CONNECT" => {
            let mut message = Message::new(direction, &buffer[..line_end], "");
            message.span(0, op.len(), format!("operation {op}"));
            message.span(op.len(), line_end, "options, JSON");
            match pretty_json(args.as_bytes()) {
                Some(pretty) => message.decoded = Some(pretty),
                None => message.broken = true,
            }
            message.summary = format!("{op} {}", printable(args.as_bytes(), 80));
            return Step::Whole(line_end, message);
        }
        "SUB" | "UNSUB" | "PING" | "PONG" | "+OK" | "-ERR" => {
            let mut message = Message::new(direction, &buffer[..line_end], text.trim());
            message.span(0, line.len(), control_meaning(&op, args));
            message.span(line.len(), line_end, "end of the line (\\r\\n)");
            return Step::Whole(line_end, message);
        }
        _ => {
            let why = format!("not a NATS operation: {}", printable(line, 60));
            return Step::Whole(
                line_end,
                Message::broken(direction, &buffer[..line_end], why),
            );
        }
    };
    let Some(shape) = shape else {
        return Step::Lost(format!(
            "{op} with arguments that are not subject, [reply,] sizes: {}",
            printable(args.as_bytes(), 60)
        ));
    };
    if shape.total > MAX_PAYLOAD {
        return Step::Lost(format!(
            "{op} announces a payload of {} bytes, over the server's max_payload of {MAX_PAYLOAD}",
            shape.total
        ));
    }
    let end = line_end + shape.total + 2;
    if buffer.len() < end {
        return Step::NeedMore;
    }
    if &buffer[end - 2..end] != b"\r\n" {
        return Step::Lost(format!(
            "{op}'s payload of {} bytes is not followed by \\r\\n",
            shape.total
        ));
    }
    let mut message = Message::new(direction, &buffer[..end], "");
    message.summary = shape.describe(
        &op,
        text.trim(),
        &buffer[line_end..end - 2],
        line_end,
        &mut message,
    );
    Step::Whole(end, message)
}

/// What a control line without a payload says.
fn control_meaning(op: &str, args: &str) -> String {
    let args: Vec<&str> = args.split_whitespace().collect();
    match (op, args.as_slice()) {
        ("SUB", [subject, sid]) => format!("subscribe to {subject} as sid {sid}"),
        ("SUB", [subject, queue, sid]) => {
            format!("subscribe to {subject} in queue group {queue} as sid {sid}")
        }
        ("UNSUB", [sid, ..]) => format!("unsubscribe sid {sid}"),
        ("PING", _) => "are you there?".to_string(),
        ("PONG", _) => "yes, here".to_string(),
        ("+OK", _) => "the server took the last operation (verbose mode)".to_string(),
        ("-ERR", _) => "the server's error".to_string(),
        _ => format!("{op} line"),
    }
}

/// The subject and the sizes of an operation that carries a payload.
struct Payload {
    subject: String,
    /// The headers' size (`HPUB`, `HMSG`), else 0.
    headers: usize,
    /// Headers and payload together.
    total: usize,
}

impl Payload {
    /// Reads `args`: `subject [sid] [reply] [hdr-size] size`; `None` if they are not that.
    fn new(args: &str, sid: bool, headers: bool) -> Option<Payload> {
        let words: Vec<&str> = args.split_whitespace().collect();
        let fixed = 2 + usize::from(sid) + usize::from(headers);
        if words.len() != fixed && words.len() != fixed + 1 {
            return None;
        }
        let total: usize = words[words.len() - 1].parse().ok()?;
        let header_size: usize = match headers {
            true => words[words.len() - 2].parse().ok()?,
            false => 0,
        };
        (header_size <= total).then(|| Payload {
            subject: words[0].to_string(),
            headers: header_size,
            total,
        })
    }

    /// Spans and decoded text for `payload` (headers first), which starts at `offset` in
    /// `message`; returns the summary, `PUB greetings 35: broker message, body "hello"`.
    fn describe(
        &self,
        op: &str,
        line: &str,
        payload: &[u8],
        offset: usize,
        message: &mut Message,
    ) -> String {
        message.span(
            0,
            offset,
            format!(
                "{op} line: subject {}, {} bytes follow",
                self.subject, self.total
            ),
        );
        let (headers, body) = payload.split_at(self.headers);
        let mut said = Vec::new();
        let mut decoded = line.to_string();
        if !headers.is_empty() {
            message.span(
                offset,
                offset + headers.len(),
                format!("headers, {} bytes", headers.len()),
            );
            let text = String::from_utf8_lossy(headers);
            // `NATS/1.0` and a status, if any: `NATS/1.0 503` is "no responders".
            let first = text.lines().next().unwrap_or_default();
            let status = match first.split_whitespace().nth(1) {
                Some("503") => " (no responders)",
                _ => "",
            };
            said.push(format!(
                "headers {}{status}",
                printable(first.as_bytes(), 40)
            ));
            decoded.push_str("\n\n");
            decoded.push_str(text.trim_end());
        }
        if !body.is_empty() {
            let start = offset + headers.len();
            message.span(
                start,
                start + body.len(),
                format!("payload, {} bytes", body.len()),
            );
            let json = serde_json::from_slice::<serde_json::Value>(body).ok();
            if json.as_ref().is_some_and(broker::looks_like) {
                let mut shown = Message::default();
                said.push(broker::describe(
                    body,
                    start,
                    Some(&self.subject),
                    &mut shown,
                ));
                message.spans.extend(shown.spans);
                message.broken |= shown.broken;
                decoded.push_str("\n\n");
                decoded.push_str(&shown.decoded.unwrap_or_default());
            } else {
                said.push(format!("\"{}\"", printable(body, 80)));
                decoded.push_str("\n\n");
                decoded.push_str(
                    &pretty_json(body).unwrap_or_else(|| String::from_utf8_lossy(body).into()),
                );
            }
        }
        let end = message.bytes.len();
        message.span(end - 2, end, "end of the payload (\\r\\n)");
        message.spans.sort_by_key(|span| span.start);
        message.decoded = Some(decoded);
        if said.is_empty() {
            line.to_string()
        } else {
            format!("{line}: {}", said.join(", "))
        }
    }
}

#[cfg(test)]
mod tests;
