//! An annotated hex dump: every byte of a message next to what it means.
//!
//! ```text
//! offset  bytes                    meaning
//!      0  0a                       field 1, LEN (1 << 3 | 2)
//!      1  0c                       length 12
//!      2  41 64 61 20 4c 6f 76 65  "Ada Lovelace"
//! ```
//!
//! Like `inspect` it knows no schema, so nested messages are guessed the same way.

use crate::inspect::{Guess, as_negative, guess, hex};
use crate::wire::{self, Value, WireError};

/// Bytes shown on one line of the dump.
const BYTES_PER_LINE: usize = 8;

/// Writes the dump of `message` into `out`. On bad input the lines for the fields before
/// the bad part stay in `out` and the error is returned.
pub fn annotate(message: &[u8], out: &mut String) -> Result<(), WireError> {
    out.push_str("offset  bytes                    meaning\n");
    annotate_fields(message, 0, 0, out)
}

/// `start` is where `message` begins in the outermost buffer, so that nested fields show
/// their real offsets.
fn annotate_fields(
    message: &[u8],
    start: usize,
    depth: usize,
    out: &mut String,
) -> Result<(), WireError> {
    for field in wire::fields(message) {
        let field = field?;
        let at = start + field.offset;

        // The tag: one varint holding the field number and the wire type.
        let mut tag_len = 0;
        wire::read_varint(field.encoded, &mut tag_len)?;
        let (number, wire_type) = (field.number, field.value.wire_type());
        let tag = format!(
            "field {number}, {wire_type} ({number} << 3 | {})",
            wire_type as u8
        );
        rows(out, at, &field.encoded[..tag_len], depth, &tag);

        // The value, which starts right after the tag.
        let value_at = at + tag_len;
        let value = &field.encoded[tag_len..];
        match field.value {
            Value::Varint(n) => rows(
                out,
                value_at,
                value,
                depth,
                &format!("{n}{}", as_negative(n)),
            ),
            Value::I64(n) => rows(out, value_at, value, depth, &format!("0x{n:016x}")),
            Value::I32(n) => rows(out, value_at, value, depth, &format!("0x{n:08x}")),
            Value::Len(body) => {
                // A length-delimited value: a second varint, the length, then the body.
                let mut length_len = 0;
                wire::read_varint(value, &mut length_len)?;
                let length = format!("length {}", body.len());
                rows(out, value_at, &value[..length_len], depth, &length);
                let body_at = value_at + length_len;
                match guess(body, depth + 1) {
                    Guess::Text(text) => rows(out, body_at, body, depth, &format!("{text:?}")),
                    Guess::Bytes => rows(out, body_at, body, depth, "bytes"),
                    Guess::Message => annotate_fields(body, body_at, depth + 1, out)?,
                }
            }
        }
    }
    Ok(())
}

/// `bytes` starting at `offset`, eight to a line, `meaning` on the first line.
fn rows(out: &mut String, offset: usize, bytes: &[u8], depth: usize, meaning: &str) {
    let indent = "  ".repeat(depth);
    for (i, chunk) in bytes.chunks(BYTES_PER_LINE).enumerate() {
        let meaning = if i == 0 { meaning } else { "" };
        let line = format!(
            "{:>6}  {:<23}  {indent}{meaning}",
            offset + i * BYTES_PER_LINE,
            hex(chunk)
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
}
