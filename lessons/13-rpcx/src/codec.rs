//! The payload: the arguments of a call and its reply, in the format the header names.
//!
//! rpcx's `client.DefaultOption` writes MsgPack (Go's `vmihailenco/msgpack`: a struct is a
//! map from field names to values); a client can ask for JSON or protobuf instead. rpcx
//! answers in the request's format, and its client reads an answer by the answer's own
//! serialize type, so this side does the same.
//!
//! MsgPack and JSON write any value (serde); protobuf writes only messages, so a type that
//! travels names the message it becomes ([`Payload::Proto`]) — rpcx's Go side has the same
//! rule: its protobuf codec takes generated messages only.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::header::Serialize as Format;

// ANCHOR: payload
/// A value a call carries: serde for MsgPack and JSON, a protobuf message for protobuf.
pub trait Payload: Serialize + DeserializeOwned {
    type Proto: prost::Message + Default;
    fn to_proto(&self) -> Self::Proto;
    fn from_proto(proto: Self::Proto) -> Self;
}

/// `value` written in `format`.
pub fn encode<T: Payload>(format: Format, value: &T) -> Result<Vec<u8>, String> {
    match format {
        // Named: a struct becomes a map keyed by field name, as Go's msgpack writes it,
        // rather than rmp-serde's default array of fields.
        Format::MsgPack => rmp_serde::to_vec_named(value).map_err(|error| error.to_string()),
        Format::Json => serde_json::to_vec(value).map_err(|error| error.to_string()),
        Format::Protobuf => Ok(prost::Message::encode_to_vec(&value.to_proto())),
        Format::None => Err("raw payloads carry bytes, not values".to_string()),
    }
}

/// How deep a MsgPack value may nest. rmp-serde's own limit, 1024, is deeper than a task's
/// stack goes in a debug build; the values of a call are a level or two.
const MAX_MSGPACK_DEPTH: usize = 32;

/// `bytes` read as a `T` written in `format`. Each decoder bounds how deep a value nests
/// (serde_json at 128 levels), so a hostile payload is an error, not a stack overflow.
pub fn decode<T: Payload>(format: Format, bytes: &[u8]) -> Result<T, String> {
    match format {
        Format::MsgPack => {
            let mut reader = rmp_serde::Deserializer::from_read_ref(bytes);
            reader.set_max_depth(MAX_MSGPACK_DEPTH);
            T::deserialize(&mut reader).map_err(|error| error.to_string())
        }
        Format::Json => serde_json::from_slice(bytes).map_err(|error| error.to_string()),
        Format::Protobuf => <T::Proto as prost::Message>::decode(bytes)
            .map(T::from_proto)
            .map_err(|error| error.to_string()),
        Format::None => Err("raw payloads carry bytes, not values".to_string()),
    }
}
// ANCHOR_END: payload
