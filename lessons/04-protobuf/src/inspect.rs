//! `inspect`: any protobuf message printed without its schema, like `protoc --decode_raw`.
//!
//! Without a schema a length-delimited field is just bytes: a string, a `bytes` field, a
//! nested message or packed numbers all look the same on the wire. So we guess, much as
//! `protoc --decode_raw` does: printable UTF-8 is shown as text, bytes that parse cleanly
//! as fields as a nested message, anything else as hex. A short string can happen to parse
//! as fields, which is why text is tried first.

use crate::wire::{self, Value, WireError};

/// How deep nested messages are guessed before the rest is shown as bytes: hostile input
/// could otherwise nest deep enough to overflow the stack. prost stops at the same depth.
pub const MAX_DEPTH: usize = 100;

// ANCHOR: guess
/// What a length-delimited value probably is.
#[derive(Debug, PartialEq, Eq)]
pub enum Guess<'a> {
    Text(&'a str),
    Message,
    Bytes,
}

pub fn guess(bytes: &[u8], depth: usize) -> Guess<'_> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && text
            .chars()
            .all(|c| !c.is_control() || c == '\n' || c == '\t')
    {
        return Guess::Text(text);
    }
    if depth < MAX_DEPTH && wire::fields(bytes).all(|field| field.is_ok()) {
        return Guess::Message;
    }
    Guess::Bytes
}
// ANCHOR_END: guess

/// Writes `message` into `out` as a tree of field numbers and values. On bad input the
/// fields read before the bad part stay in `out` and the error is returned.
pub fn decode_raw(message: &[u8], out: &mut String) -> Result<(), WireError> {
    write_fields(message, 0, out)
}

fn write_fields(message: &[u8], depth: usize, out: &mut String) -> Result<(), WireError> {
    for field in wire::fields(message) {
        let field = field?;
        let number = field.number;
        match field.value {
            Value::Varint(n) => line(out, depth, format!("{number}: {n}{}", as_negative(n))),
            Value::I64(n) => line(out, depth, format!("{number}: 0x{n:016x}")),
            Value::I32(n) => line(out, depth, format!("{number}: 0x{n:08x}")),
            Value::Len(bytes) => match guess(bytes, depth + 1) {
                Guess::Text(text) => line(out, depth, format!("{number}: {text:?}")),
                Guess::Bytes => line(out, depth, format!("{number}: [{}]", hex(bytes))),
                Guess::Message => {
                    line(out, depth, format!("{number} {{"));
                    write_fields(bytes, depth + 1, out)?;
                    line(out, depth, "}".to_string());
                }
            },
        }
    }
    Ok(())
}

fn line(out: &mut String, depth: usize, text: String) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&text);
    out.push('\n');
}

/// A negative `int32` or `int64` is sent as its 64-bit two's complement: ten bytes, a
/// huge number. Say what it probably was.
pub fn as_negative(n: u64) -> String {
    if (n as i64) < 0 {
        format!(" (int64 {})", n as i64)
    } else {
        String::new()
    }
}

/// `bytes` as lowercase hex pairs separated by spaces: `0a 0c 41`.
pub fn hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    pairs.join(" ")
}
