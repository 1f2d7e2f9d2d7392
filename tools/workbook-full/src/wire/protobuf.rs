//! Protocol Buffers messages, read with the course's own schemas.
//!
//! The `proto` crate compiles every `.proto` of the course into one descriptor set
//! (`proto::FILE_DESCRIPTOR_SET`). With it, `prost-reflect` decodes a message it has never
//! seen the Rust type of, given only the gRPC path (`/hello.Greeter/SayHello` → the method's
//! `HelloRequest` and `HelloReply`). The view shows it as JSON whose keys carry the field
//! numbers, `{"name (1)": "Ferris"}`, because the numbers are what is on the wire; and walks
//! the raw bytes to say which are a field's tag, its length and its value.

use std::sync::OnceLock;

use prost_reflect::{DescriptorPool, DynamicMessage, MapKey, MessageDescriptor, Value};
use serde_json::json;

use super::message::{Message, hex};

mod fields;

use fields::{raw_json, walk};

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

/// A message type of the course's schemas, by its full name: `events.CaptchaVerified`.
pub fn message_type(name: &str) -> Option<MessageDescriptor> {
    pool()?.get_message_by_name(name)
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

#[cfg(test)]
mod tests;
