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
use serde::{Serialize, Serializer};

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
            let shown = Shown::Message(&decoded, 0);
            let pretty = serde_json::to_string_pretty(&shown).unwrap_or_default();
            let text = message.decoded.get_or_insert_with(String::new);
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("{} {pretty}", schema.name()));
            let line = serde_json::to_string(&shown).unwrap_or_default();
            format!("{} {line}", schema.name())
        }
        Err(error) => {
            message.broken = true;
            format!("not a valid {} ({error})", schema.name())
        }
    }
}

/// A decoded message, or a part of it, as JSON whose keys carry the field numbers:
/// `{"name (1)": "Ferris"}`, the fields in the schema's order. `serde_json` writes it on one
/// line or laid out on lines.
enum Shown<'a> {
    /// A message, nested `depth` messages deep.
    Message(&'a DynamicMessage, usize),
    /// A field's value, in a message nested `depth` deep.
    Value(&'a Value, usize),
    /// A word about what is not shown.
    Note(&'a str),
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Shown::Message(message, depth) => {
                let known = message.fields().map(|(field, value)| {
                    let key = format!("{} ({})", field.name(), field.number());
                    (key, Shown::Value(value, depth))
                });
                let unknown = message.unknown_fields().map(|unknown| {
                    let key = format!("? ({})", unknown.number());
                    (key, Shown::Note("a field this schema does not know"))
                });
                serializer.collect_map(known.chain(unknown))
            }
            Shown::Value(value, depth) => match value {
                Value::Bool(v) => serializer.serialize_bool(*v),
                Value::I32(v) | Value::EnumNumber(v) => serializer.serialize_i32(*v),
                Value::I64(v) => serializer.serialize_i64(*v),
                Value::U32(v) => serializer.serialize_u32(*v),
                Value::U64(v) => serializer.serialize_u64(*v),
                // Widened, as `serde_json::json!` shows an `f32`.
                Value::F32(v) => serializer.serialize_f64(f64::from(*v)),
                Value::F64(v) => serializer.serialize_f64(*v),
                Value::String(v) => serializer.serialize_str(v),
                Value::Bytes(v) => serializer.serialize_str(&hex(v)),
                // The bound on nesting: a message inside a message is shown MAX_DEPTH deep.
                Value::Message(_) if depth >= MAX_DEPTH => {
                    serializer.serialize_str("… (nested too deep to show)")
                }
                Value::Message(v) => Shown::Message(v, depth + 1).serialize(serializer),
                Value::List(items) => {
                    serializer.collect_seq(items.iter().map(|v| Shown::Value(v, depth)))
                }
                Value::Map(entries) => {
                    let mut entries: Vec<(&MapKey, &Value)> = entries.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    serializer.collect_map(entries.into_iter().map(|(key, v)| {
                        let key = match key {
                            MapKey::String(s) => s.clone(),
                            other => format!("{other:?}"),
                        };
                        (key, Shown::Value(v, depth))
                    }))
                }
            },
            Shown::Note(note) => serializer.serialize_str(note),
        }
    }
}

#[cfg(test)]
mod tests;
