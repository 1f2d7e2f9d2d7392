//! Exercise `protobuf.fields`: write fields by hand, the other half of the worked
//! example's reader in `src/wire.rs`.

use crate::wire::{Value, WireType};
use prost::encoding::encode_varint;

/// The tag of a field: its number in the high bits, its wire type in the low three.
/// `number` is between 1 and `wire::MAX_FIELD_NUMBER`.
pub fn make_tag(number: u32, wire_type: WireType) -> u64 {
    // TODO: the tag of field `number` with `wire_type`, as prost makes it.
    todo!("make a tag")
}

/// Appends field `number` holding `value` to `out`, exactly as prost would write it, so
/// that `wire::fields` reads the same field back. For example, field 1 holding
/// `Value::Varint(150)` is `08 96 01`; field 2 holding `Value::Len(b"hi")` is
/// `12 02 68 69`; field 3 holding `Value::I32(1)` is `1d 01 00 00 00`.
pub fn write_field(number: u32, value: Value<'_>, out: &mut Vec<u8>) {
    // TODO: append the field as the doc comment says, for every kind of `Value`.
    todo!("write a field")
}
