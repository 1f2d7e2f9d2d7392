//! Lines: lesson 01's echo protocol, and lesson 03's JSON-RPC over TCP (one JSON value a
//! line). A message ends at `\n`; a line longer than [`MAX_LINE`] is shown broken, in
//! pieces, until its end comes.

use super::message::{Decode, Direction, Message, json_member_spans, pretty_json, printable};

/// The longest line shown whole; the servers of lessons 01 and 03 refuse longer ones too.
pub const MAX_LINE: usize = 64 * 1024;

/// Splits each side into lines; with `json`, reads each line as a JSON-RPC message.
#[derive(Default)]
pub struct Lines {
    json: bool,
    pending: [Vec<u8>; 2],
    /// The side is in the middle of a line too long to show whole.
    overlong: [bool; 2],
}

impl Lines {
    /// Plain text lines (lesson 01).
    pub fn text() -> Lines {
        Lines::default()
    }

    /// JSON-RPC lines (lesson 03).
    pub fn json_rpc() -> Lines {
        Lines {
            json: true,
            ..Lines::default()
        }
    }

    fn line(&self, direction: Direction, line: &[u8]) -> Message {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        let mut message = Message::new(direction, line, "");
        if self.json {
            match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(value) => {
                    message.summary = json_rpc_summary(&value, body);
                    json_member_spans(body, 0, &mut message);
                    message.decoded = pretty_json(body);
                }
                Err(error) => {
                    message.broken = true;
                    message.summary = format!("not JSON ({error}): {}", printable(body, 80));
                }
            }
        } else {
            message.summary = format!("line \"{}\"", printable(body, 100));
            message.span(0, body.len(), format!("text, {} bytes", body.len()));
        }
        if body.len() < line.len() {
            message.span(body.len(), line.len(), "end of line (\\n)");
        }
        message
    }
}

/// A one-line description of a JSON-RPC request, reply or batch.
pub fn json_rpc_summary(value: &serde_json::Value, raw: &[u8]) -> String {
    let id = |value: &serde_json::Value| match value.get("id") {
        Some(id) => format!(" id {id}"),
        None => " (notification)".to_string(),
    };
    match value {
        serde_json::Value::Array(items) => {
            format!("batch of {}: {}", items.len(), printable(raw, 80))
        }
        serde_json::Value::Object(members) if members.contains_key("method") => format!(
            "request{} {}({})",
            id(value),
            members["method"].as_str().unwrap_or("?"),
            members
                .get("params")
                .map(ToString::to_string)
                .unwrap_or_default()
        ),
        serde_json::Value::Object(members)
            if members.contains_key("error") && !members["error"].is_null() =>
        {
            format!("error reply{}: {}", id(value), members["error"])
        }
        serde_json::Value::Object(members) if members.contains_key("result") => {
            format!("reply{}: {}", id(value), members["result"])
        }
        _ => format!("JSON, not JSON-RPC: {}", printable(raw, 80)),
    }
}

impl Decode for Lines {
    fn feed(&mut self, direction: Direction, bytes: &[u8], out: &mut Vec<Message>) {
        let side = direction.index();
        let mut rest = bytes;
        while !rest.is_empty() {
            let end = rest.iter().position(|b| *b == b'\n').map(|at| at + 1);
            let (piece, complete) = match end {
                Some(end) => (&rest[..end], true),
                None => (rest, false),
            };
            rest = &rest[piece.len()..];
            if self.overlong[side] {
                // The rest of a line already shown as too long.
                out.push(Message::broken(
                    direction,
                    piece,
                    format!("more of the overlong line, {} bytes", piece.len()),
                ));
                self.overlong[side] = !complete;
                continue;
            }
            self.pending[side].extend_from_slice(piece);
            if complete {
                let line = std::mem::take(&mut self.pending[side]);
                out.push(self.line(direction, &line));
            } else if self.pending[side].len() > MAX_LINE {
                let line = std::mem::take(&mut self.pending[side]);
                out.push(Message::broken(
                    direction,
                    &line,
                    format!("a line of more than {MAX_LINE} bytes, no end in sight"),
                ));
                self.overlong[side] = true;
            }
        }
    }

    fn finish(&mut self, direction: Direction, out: &mut Vec<Message>) {
        let rest = std::mem::take(&mut self.pending[direction.index()]);
        if !rest.is_empty() {
            out.push(Message::broken(
                direction,
                &rest,
                format!(
                    "the connection ended in the middle of a line: \"{}\"",
                    printable(&rest, 80)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(decoder: &mut Lines, chunks: &[&[u8]]) -> Vec<Message> {
        let mut out = Vec::new();
        for chunk in chunks {
            decoder.feed(Direction::ToServer, chunk, &mut out);
        }
        decoder.finish(Direction::ToServer, &mut out);
        out
    }

    #[test]
    fn lines_arrive_whole_whatever_the_chunks() {
        let out = decode(&mut Lines::text(), &[b"hel", b"lo\nwor", b"ld\n", b"cut"]);
        let summaries: Vec<&str> = out.iter().map(|m| m.summary.as_str()).collect();
        assert_eq!(summaries[0], "line \"hello\"");
        assert_eq!(summaries[1], "line \"world\"");
        assert!(out[2].broken && summaries[2].contains("middle of a line"));
        assert_eq!(out[0].spans[1].label, "end of line (\\n)");
    }

    #[test]
    fn json_rpc_lines_are_summarised() {
        let out = decode(
            &mut Lines::json_rpc(),
            &[b"{\"jsonrpc\":\"2.0\",\"method\":\"hello.HelloWorld\",\"params\":\"ada\",\"id\":0}\n{\"jsonrpc\":\"2.0\",\"result\":\"hello ada\",\"id\":0}\nnope\n"],
        );
        assert_eq!(out[0].summary, "request id 0 hello.HelloWorld(\"ada\")");
        assert_eq!(out[1].summary, "reply id 0: \"hello ada\"");
        assert!(out[2].broken);
    }

    #[test]
    fn an_endless_line_is_shown_broken_in_bounded_pieces() {
        let mut decoder = Lines::text();
        let chunk = vec![b'x'; 16 * 1024];
        let mut out = Vec::new();
        for _ in 0..10 {
            decoder.feed(Direction::ToServer, &chunk, &mut out);
        }
        decoder.feed(Direction::ToServer, b"end\nnext\n", &mut out);
        assert!(out.iter().all(|m| m.bytes.len() <= MAX_LINE + chunk.len()));
        assert!(out[0].broken);
        assert_eq!(out.last().unwrap().summary, "line \"next\"");
    }
}
