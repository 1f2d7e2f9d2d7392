//! Protocol Buffers messages, read with the course's own schemas.
//!
//! The `proto` crate compiles every `.proto` of the course into one descriptor set
//! (`proto::FILE_DESCRIPTOR_SET`). With it, `prost-reflect` decodes a message it has never
//! seen the Rust type of, given only the gRPC path (`/hello.Greeter/SayHello` → the method's
//! `HelloRequest` and `HelloReply`). The view shows it as JSON whose keys carry the field
//! numbers, `{"name (1)": "Ferris"}`, because the numbers are what is on the wire; and walks
//! the raw bytes to say which are a field's tag, its length and its value.

use std::sync::OnceLock;

use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MapKey, MessageDescriptor, Value};
use serde_json::{Map, Value as Json, json};

use super::message::{Message, printable};

/// How deep nested messages are shown; deeper ones are summed up.
const MAX_DEPTH: usize = 16;

/// The course's schemas, read once.
fn pool() -> Option<&'static DescriptorPool> {
    static POOL: OnceLock<Option<DescriptorPool>> = OnceLock::new();
    POOL.get_or_init(|| DescriptorPool::decode(proto::FILE_DESCRIPTOR_SET).ok())
        .as_ref()
}

/// The request and reply types of a gRPC method, from its path: `/hello.Greeter/SayHello`.
pub fn method_types(path: &str) -> Option<(MessageDescriptor, MessageDescriptor)> {
    let (service, method) = path.strip_prefix('/')?.split_once('/')?;
    let service = pool()?.get_service_by_name(service)?;
    let method = service.methods().find(|m| m.name() == method)?;
    Some((method.input(), method.output()))
}

/// Decodes `bytes` (at `offset` in `message`) as a `schema` message, or without a schema
/// as `protoc --decode_raw` would; adds the spans and returns a one-line summary.
pub fn describe(
    bytes: &[u8],
    offset: usize,
    schema: Option<&MessageDescriptor>,
    message: &mut Message,
) -> String {
    walk(bytes, offset, schema, 0, message);
    let Some(schema) = schema else {
        return format!("protobuf, no schema: {}", raw_json(bytes, 0));
    };
    match DynamicMessage::decode(schema.clone(), bytes) {
        Ok(decoded) => {
            let pretty = to_json(&decoded, 0, Some(0));
            let text = message.decoded.get_or_insert_with(String::new);
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("{} {pretty}", schema.name()));
            format!("{} {}", schema.name(), to_json(&decoded, 0, None))
        }
        Err(error) => {
            message.broken = true;
            format!("not a valid {} ({error})", schema.name())
        }
    }
}

/// A decoded message as JSON, its fields in the schema's order: `{"name (1)": "Ferris"}`.
/// With `indent`, laid out on lines indented by that much.
fn to_json(message: &DynamicMessage, depth: usize, indent: Option<usize>) -> String {
    let mut members: Vec<(String, String)> = Vec::new();
    let inner = indent.map(|i| i + 2);
    for (field, value) in message.fields() {
        let key = format!("{} ({})", field.name(), field.number());
        members.push((key, value_json(value, depth, inner)));
    }
    for unknown in message.unknown_fields() {
        let key = format!("? ({})", unknown.number());
        members.push((key, json!("a field this schema does not know").to_string()));
    }
    join(
        '{',
        '}',
        members.into_iter().map(|(k, v)| {
            format!(
                "{}:{}{v}",
                json!(k),
                if indent.is_some() { " " } else { "" }
            )
        }),
        indent,
    )
}

/// `items` between `open` and `close`, on one line or (with `indent`) one a line.
fn join(
    open: char,
    close: char,
    items: impl Iterator<Item = String>,
    indent: Option<usize>,
) -> String {
    let items: Vec<String> = items.collect();
    match indent {
        Some(indent) if !items.is_empty() => {
            let pad = " ".repeat(indent + 2);
            let lines: Vec<String> = items.iter().map(|item| format!("{pad}{item}")).collect();
            format!(
                "{open}\n{}\n{}{close}",
                lines.join(",\n"),
                " ".repeat(indent)
            )
        }
        _ => format!("{open}{}{close}", items.join(",")),
    }
}

fn value_json(value: &Value, depth: usize, indent: Option<usize>) -> String {
    let scalar = match value {
        Value::Bool(v) => json!(v),
        Value::I32(v) => json!(v),
        Value::I64(v) => json!(v),
        Value::U32(v) => json!(v),
        Value::U64(v) => json!(v),
        Value::F32(v) => json!(v),
        Value::F64(v) => json!(v),
        Value::String(v) => json!(v),
        Value::Bytes(v) => json!(hex(v)),
        Value::EnumNumber(v) => json!(v),
        Value::Message(_) if depth >= MAX_DEPTH => json!("… (nested too deep to show)"),
        Value::Message(v) => return to_json(v, depth + 1, indent),
        Value::List(items) => {
            let items = items
                .iter()
                .map(|v| value_json(v, depth, indent.map(|i| i + 2)));
            return join('[', ']', items, indent);
        }
        Value::Map(entries) => {
            let mut entries: Vec<(&MapKey, &Value)> = entries.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let items = entries.into_iter().map(|(key, v)| {
                let key = match key {
                    MapKey::String(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                format!(
                    "{}:{}",
                    json!(key),
                    value_json(v, depth, indent.map(|i| i + 2))
                )
            });
            return join('{', '}', items, indent);
        }
    };
    scalar.to_string()
}

/// Bytes as spaced hex: `0a 06`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

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
fn walk(
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
fn raw_json(bytes: &[u8], depth: usize) -> Json {
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

#[cfg(test)]
mod tests {
    use super::*;
    use prost_reflect::prost::Message as _;
    use proto::hello::{HelloRequest, HelloStreamRequest};

    #[test]
    fn a_hello_request_is_read_with_the_course_schema() {
        let (request, reply) = method_types("/hello.Greeter/SayHello")
            .expect("hello.Greeter is in the course's schemas");
        assert_eq!(request.name(), "HelloRequest");
        assert_eq!(reply.name(), "HelloReply");

        let bytes = HelloRequest {
            name: "Ferris".into(),
        }
        .encode_to_vec();
        let mut message = Message::default();
        let summary = describe(&bytes, 5, Some(&request), &mut message);
        assert_eq!(summary, r#"HelloRequest {"name (1)":"Ferris"}"#);
        let labels: Vec<&str> = message.spans.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "tag: field 1 `name`, LEN ((1 << 3) | 2)",
                "length = 6",
                "field 1 `name` = \"Ferris\""
            ]
        );
        assert_eq!((message.spans[0].start, message.spans[2].end), (5, 13));
        assert_eq!(
            message.decoded.as_deref(),
            Some("HelloRequest {\n  \"name (1)\": \"Ferris\"\n}")
        );

        // Fields in the schema's order, not the alphabet's.
        let (stream, _) = method_types("/hello.Greeter/SayHelloStream").unwrap();
        let bytes = HelloStreamRequest {
            name: "Ada".into(),
            count: 3,
        }
        .encode_to_vec();
        let summary = describe(&bytes, 0, Some(&stream), &mut Message::default());
        assert_eq!(
            summary,
            r#"HelloStreamRequest {"name (1)":"Ada","count (2)":3}"#
        );
    }

    #[test]
    fn without_a_schema_fields_go_by_number_and_truncation_is_broken() {
        let mut message = Message::default();
        let summary = describe(b"\x0a\x03abc\x10\x07", 0, None, &mut message);
        assert_eq!(summary, r#"protobuf, no schema: {"1":"abc","2":7}"#);

        let (request, _) = method_types("/hello.Greeter/SayHello").unwrap();
        let mut message = Message::default();
        let summary = describe(b"\x0a\x09abc", 0, Some(&request), &mut message);
        assert!(message.broken, "{summary}");
        assert!(message.spans.last().unwrap().label.starts_with("broken"));
    }
}
