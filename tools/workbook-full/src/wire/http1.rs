//! HTTP/1.1: lesson 03's JSON-RPC over HTTP POST (and Consul's HTTP API, lessons 06–08; the
//! messages go-micro's HTTP broker POSTs to a subscriber, lesson 12).
//! A message is a head (request or status line, headers, blank line) and a body whose end
//! is given by `Content-Length` or by chunked encoding; a JSON body is shown laid out.

use super::broker;
use super::lines::json_rpc_summary;
use super::message::{
    Decode, Direction, MAX_MESSAGE, Message, Pending, Step, find, json_member_spans, pretty_json,
    printable,
};

/// The longest head waited for.
const MAX_HEAD: usize = 64 * 1024;

#[derive(Default)]
pub struct Http1 {
    sides: [Pending; 2],
}

impl Decode for Http1 {
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        let side = &mut self.sides[direction.index()];
        side.feed(direction, bytes, out, |buffer| match measure(buffer) {
            Measured::Whole(head_end, end, body) => {
                Step::Whole(end, http_message(direction, &buffer[..end], head_end, body))
            }
            Measured::NeedMore if buffer.len() > MAX_HEAD + MAX_MESSAGE => {
                Step::Lost(format!("an HTTP message of more than {MAX_MESSAGE} bytes"))
            }
            Measured::NeedMore => Step::NeedMore,
            Measured::Broken(why) => Step::Lost(why),
        });
    }

    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>) {
        self.sides[direction.index()].leftover(direction, "an HTTP message", out);
    }
}

enum Measured {
    /// The head ends at .0, the message at .1; .2 is the body, de-chunked.
    Whole(usize, usize, Vec<u8>),
    NeedMore,
    Broken(String),
}

/// Where the first HTTP message in `buffer` ends, if it is all there.
fn measure(buffer: &[u8]) -> Measured {
    let Some(head_end) = find(buffer, b"\r\n\r\n").map(|at| at + 4) else {
        if buffer.len() > MAX_HEAD {
            return Measured::Broken(format!("no end of an HTTP head in {MAX_HEAD} bytes"));
        }
        if !buffer.is_empty() && !buffer[0].is_ascii_alphabetic() {
            return Measured::Broken("not HTTP: a head starts with a method or HTTP/".into());
        }
        return Measured::NeedMore;
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let header = |name: &str| {
        head.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(':').map(str::trim))
            .map(String::from)
    };
    if header("transfer-encoding").is_some_and(|value| value.contains("chunked")) {
        return dechunk(buffer, head_end);
    }
    let length = match header("content-length").map(|value| value.parse::<usize>()) {
        Some(Ok(length)) => length,
        Some(Err(_)) => return Measured::Broken("a Content-Length that is not a number".into()),
        None => 0,
    };
    if length > MAX_MESSAGE {
        return Measured::Broken(format!("a body of {length} bytes, over {MAX_MESSAGE}"));
    }
    if buffer.len() < head_end + length {
        return Measured::NeedMore;
    }
    let body = buffer[head_end..head_end + length].to_vec();
    Measured::Whole(head_end, head_end + length, body)
}

/// A chunked body: `SIZE-IN-HEX\r\n`, that many bytes, `\r\n`, … until a chunk of size 0.
fn dechunk(buffer: &[u8], head_end: usize) -> Measured {
    let mut at = head_end;
    let mut body = Vec::new();
    loop {
        let Some(line_end) = find(&buffer[at..], b"\r\n") else {
            return Measured::NeedMore;
        };
        let size_text = String::from_utf8_lossy(&buffer[at..at + line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return Measured::Broken(format!("a chunk size that is not hex: {size_text:?}"));
        };
        if body.len() + size > MAX_MESSAGE {
            return Measured::Broken(format!("a chunked body over {MAX_MESSAGE} bytes"));
        }
        at += line_end + 2;
        if size == 0 {
            // No trailers on this course's wires: the last chunk ends with a blank line.
            return match buffer.get(at..at + 2) {
                Some(b"\r\n") => Measured::Whole(head_end, at + 2, body),
                Some(_) => Measured::Broken("trailers after a chunked body are not shown".into()),
                None => Measured::NeedMore,
            };
        }
        if buffer.len() < at + size + 2 {
            return Measured::NeedMore;
        }
        body.extend_from_slice(&buffer[at..at + size]);
        at += size + 2;
    }
}

fn http_message(direction: Direction, bytes: &[u8], head_end: usize, body: Vec<u8>) -> Message {
    let head = String::from_utf8_lossy(&bytes[..head_end]);
    let first = head.lines().next().unwrap_or_default().to_string();
    let mut message = Message::new(direction, bytes, "");
    // Each line of the head is a span of its own.
    let mut at = 0;
    for (index, line) in head.split_inclusive("\r\n").enumerate() {
        let label = match index {
            0 if direction == Direction::ToServer => "request line".to_string(),
            0 => "status line".to_string(),
            _ if line == "\r\n" => "blank line: end of the head".to_string(),
            _ => format!("header {}", line.split(':').next().unwrap_or_default()),
        };
        message.span(at, at + line.len(), label);
        at += line.len();
    }
    let chunked = bytes.len() - head_end != body.len();
    if head_end < bytes.len() {
        let label = if chunked { "body, chunked" } else { "body" };
        message.span(
            head_end,
            bytes.len(),
            format!("{label}, {} bytes", body.len()),
        );
    }
    let mut decoded = head.trim_end().to_string();
    match serde_json::from_slice::<serde_json::Value>(&body) {
        // go-micro's HTTP broker POSTs a broker message (lesson 12).
        Ok(value) if broker::looks_like(&value) => {
            let mut shown = Message::default();
            let summary = broker::describe(&body, head_end, None, &mut shown);
            if !chunked {
                message.spans.extend(shown.spans);
                message.spans.sort_by_key(|span| span.start);
            }
            message.broken |= shown.broken;
            message.summary = format!("{first}: {summary}");
            decoded.push_str("\n\n");
            decoded.push_str(&shown.decoded.unwrap_or_default());
        }
        Ok(value) => {
            message.summary = format!("{first}: {}", json_summary(&value, &body));
            if !chunked {
                json_member_spans(&body, head_end, &mut message);
            }
            decoded.push_str("\n\n");
            decoded.push_str(&pretty_json(&body).unwrap_or_default());
        }
        Err(_) if body.is_empty() => message.summary = first,
        Err(_) => {
            message.summary = format!("{first}: {}", printable(&body, 60));
            decoded.push_str("\n\n");
            decoded.push_str(&String::from_utf8_lossy(&body));
        }
    }
    message.decoded = Some(decoded);
    message
}

/// JSON-RPC over HTTP (lesson 03) read as JSON-RPC; any other JSON (`micro api`'s, lesson
/// 11) shown as it is.
fn json_summary(value: &serde_json::Value, body: &[u8]) -> String {
    let json_rpc = match value {
        serde_json::Value::Array(_) => true,
        serde_json::Value::Object(members) => members.contains_key("jsonrpc"),
        _ => false,
    };
    if json_rpc {
        json_rpc_summary(value, body)
    } else {
        format!("JSON {}", printable(body, 80))
    }
}

#[cfg(test)]
mod tests;
