//! JSON ⇄ protobuf for messages known only at run time.
//!
//! A generated client has a Rust struct per message; the gateway has a
//! `MessageDescriptor` instead, and `prost_reflect::DynamicMessage` — a message that reads
//! its fields from the descriptor. It reads and writes protobuf's own JSON mapping
//! (`{"name": "Ada"}`, 64-bit integers as strings, bytes as base64), and tonic sends it
//! with the small codec below.

use bytes::Buf;
use prost::Message as _;
use prost_reflect::{DynamicMessage, Kind, MessageDescriptor, SerializeOptions};
use serde_json::{Map, Value};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};

// ANCHOR: from_json
/// The request message `desc` from a JSON body: an object whose keys are its fields (by
/// their proto or JSON names). Unknown fields, wrong types and malformed JSON are
/// `InvalidArgument`, naming what was wrong.
pub fn from_json(desc: &MessageDescriptor, body: &[u8]) -> Result<DynamicMessage, Status> {
    let bad = |error: serde_json::Error| {
        Status::invalid_argument(format!("the body is not a {}: {error}", desc.full_name()))
    };
    // serde_json refuses nesting deeper than 128: a deep body costs no stack.
    let mut json = serde_json::Deserializer::from_slice(body);
    let message = DynamicMessage::deserialize(desc.clone(), &mut json).map_err(bad)?;
    json.end().map_err(bad)?;
    Ok(message)
}

/// The request message `desc` from a query string's pairs, `?name=Ada&count=3`: each key
/// a field, a key given twice a repeated field. A value is taken as protobuf's JSON would
/// take the same text in quotes (numbers and enum names as strings), but `true`/`false` as
/// booleans.
pub fn from_query(
    desc: &MessageDescriptor,
    pairs: Vec<(String, String)>,
) -> Result<DynamicMessage, Status> {
    let mut object = Map::new();
    for (key, value) in pairs {
        let field = desc
            .get_field_by_name(&key)
            .or_else(|| desc.get_field_by_json_name(&key))
            .ok_or_else(|| {
                Status::invalid_argument(format!("{} has no field {key:?}", desc.full_name()))
            })?;
        let value = match field.kind() {
            Kind::Bool => Value::Bool(value.parse().map_err(|_| {
                Status::invalid_argument(format!("{key}: {value:?} is not true or false"))
            })?),
            Kind::Message(_) => {
                return Err(Status::invalid_argument(format!(
                    "{key} is a message: send it in a JSON body"
                )));
            }
            _ => Value::String(value),
        };
        if field.is_list() {
            let values = object
                .entry(key)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(values) = values {
                values.push(value);
            }
        } else if object.insert(key.clone(), value).is_some() {
            return Err(Status::invalid_argument(format!(
                "{key} is given twice, and is not a repeated field"
            )));
        }
    }
    let body = serde_json::to_vec(&object).expect("a map of strings is JSON");
    from_json(desc, &body)
}
// ANCHOR_END: from_json

/// The reply as JSON: every field, unset ones with their default (`{"msg": ""}` rather
/// than `{}`), under the names the `.proto` file gives them.
pub fn to_json(message: &DynamicMessage) -> Value {
    let options = SerializeOptions::new()
        .skip_default_fields(false)
        .use_proto_field_name(true);
    message
        .serialize_with_options(serde_json::value::Serializer, &options)
        .expect("a message always has a JSON form")
}

/// tonic's codec for messages of a descriptor known at run time: encodes any
/// `DynamicMessage`, decodes replies as `reply`.
#[derive(Debug, Clone)]
pub struct DynamicCodec {
    pub reply: MessageDescriptor,
}

impl Codec for DynamicCodec {
    type Encode = DynamicMessage;
    type Decode = DynamicMessage;
    type Encoder = DynamicCodec;
    type Decoder = DynamicCodec;

    fn encoder(&mut self) -> DynamicCodec {
        self.clone()
    }

    fn decoder(&mut self) -> DynamicCodec {
        self.clone()
    }
}

impl Encoder for DynamicCodec {
    type Item = DynamicMessage;
    type Error = Status;

    fn encode(&mut self, item: DynamicMessage, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.encode(dst)
            .map_err(|error| Status::internal(format!("encoding the request: {error}")))
    }
}

impl Decoder for DynamicCodec {
    type Item = DynamicMessage;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<DynamicMessage>, Status> {
        let bytes = src.copy_to_bytes(src.remaining());
        DynamicMessage::decode(self.reply.clone(), bytes)
            .map(Some)
            .map_err(|error| {
                Status::internal(format!(
                    "the reply is not a {}: {error}",
                    self.reply.full_name()
                ))
            })
    }
}
