//! A protobuf message's fields as the wire has them: a tag (field number and wire type), then
//! a varint, a fixed 4 or 8 bytes, or a length and that many bytes. Walked without decoding,
//! to say which bytes are what; with a schema, the fields get their names.

use prost_reflect::{Kind, MessageDescriptor};
use serde_json::{Map, Value as Json, json};

use super::MAX_DEPTH;
use crate::wire::message::{Message, hex, printable};

/// Reads a varint at the start of `bytes`: its value and its length.
fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

/// A field's name in `schema`, or just its number.
fn field_name(schema: Option<&MessageDescriptor>, number: u64) -> String {
    let known = schema.and_then(|s| s.get_field(u32::try_from(number).ok()?));
    match known {
        Some(field) => format!("field {number} `{}`", field.name()),
        None => format!("field {number}"),
    }
}

/// Walks the fields of `bytes` (at `offset` in `message`), adding a span for each tag,
/// length and value; into nested messages where the schema says a field is one.
pub(super) fn walk(
    bytes: &[u8],
    offset: usize,
    schema: Option<&MessageDescriptor>,
    depth: usize,
    message: &mut Message,
) {
    let mut at = 0;
    while at < bytes.len() {
        let Some((tag, tag_len)) = varint(&bytes[at..]) else {
            message.span(
                offset + at,
                offset + bytes.len(),
                "broken: a tag that does not end",
            );
            return;
        };
        let (number, wire_type) = (tag >> 3, tag & 7);
        let name = field_name(schema, number);
        let field = schema.and_then(|s| s.get_field(u32::try_from(number).ok()?));
        let type_name = [
            "varint",
            "fixed64",
            "LEN",
            "group start",
            "group end",
            "fixed32",
        ]
        .get(wire_type as usize)
        .copied()
        .unwrap_or("unknown wire type");
        message.span(
            offset + at,
            offset + at + tag_len,
            format!("tag: {name}, {type_name} (({number} << 3) | {wire_type})"),
        );
        at += tag_len;
        let rest = &bytes[at..];
        let value_len = match wire_type {
            0 => varint(rest).map(|(value, len)| {
                message.span(
                    offset + at,
                    offset + at + len,
                    format!("{name} = {value} (varint)"),
                );
                len
            }),
            1 | 5 => {
                let len = if wire_type == 1 { 8 } else { 4 };
                (rest.len() >= len).then(|| {
                    message.span(
                        offset + at,
                        offset + at + len,
                        format!("{name}, {len} bytes"),
                    );
                    len
                })
            }
            2 => varint(rest).and_then(|(len, len_len)| {
                let len = usize::try_from(len).ok()?;
                let value = rest.get(len_len..len_len + len)?;
                message.span(
                    offset + at,
                    offset + at + len_len,
                    format!("length = {len}"),
                );
                let start = offset + at + len_len;
                match field.as_ref().map(|f| f.kind()) {
                    Some(Kind::Message(nested))
                        if depth < MAX_DEPTH && !field.as_ref().is_some_and(|f| f.is_map()) =>
                    {
                        walk(value, start, Some(&nested), depth + 1, message)
                    }
                    Some(Kind::Message(_)) => {
                        message.span(start, start + len, format!("{name}, a message"))
                    }
                    _ => {
                        let shown = match std::str::from_utf8(value) {
                            Ok(text) => format!("\"{}\"", printable(text.as_bytes(), 40)),
                            Err(_) => format!("{len} bytes"),
                        };
                        message.span(start, start + len, format!("{name} = {shown}"));
                    }
                }
                Some(len_len + len)
            }),
            _ => None,
        };
        match value_len {
            Some(len) => at += len,
            None => {
                message.span(
                    offset + at,
                    offset + bytes.len(),
                    format!("broken: {name}'s value is cut short or of an unknown wire type"),
                );
                return;
            }
        }
    }
}

/// Fields without a schema, as JSON keyed by number: `{"1": "Ferris"}`.
pub(super) fn raw_json(bytes: &[u8], depth: usize) -> Json {
    let mut object = Map::new();
    let mut at = 0;
    while at < bytes.len() {
        let Some((tag, tag_len)) = varint(&bytes[at..]) else {
            break;
        };
        at += tag_len;
        let rest = &bytes[at..];
        let (value, len) = match tag & 7 {
            0 => match varint(rest) {
                Some((value, len)) => (json!(value), len),
                None => break,
            },
            1 if rest.len() >= 8 => (json!(hex(&rest[..8])), 8),
            5 if rest.len() >= 4 => (json!(hex(&rest[..4])), 4),
            2 => {
                let Some((len, len_len)) = varint(rest) else {
                    break;
                };
                let Some(value) = usize::try_from(len)
                    .ok()
                    .and_then(|len| rest.get(len_len..len_len + len))
                else {
                    break;
                };
                let shown = match std::str::from_utf8(value) {
                    Ok(text) => json!(text),
                    Err(_) if depth < 2 => raw_json(value, depth + 1),
                    Err(_) => json!(hex(value)),
                };
                (shown, len_len + value.len())
            }
            _ => break,
        };
        at += len;
        object.insert((tag >> 3).to_string(), value);
    }
    if at < bytes.len() {
        object.insert(
            "broken".into(),
            json!(format!("{} bytes that are not fields", bytes.len() - at)),
        );
    }
    Json::Object(object)
}
