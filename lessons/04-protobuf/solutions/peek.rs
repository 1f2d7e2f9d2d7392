//! Exercise `protobuf.peek`: one field out of a message, without its schema.

use anyhow::bail;

use crate::wire::{self, Value};

/// Field 1 of `message` as text (a `Person`'s name, an `evolution` contact's name), or
/// `None` when the message has no field 1. Only the top level counts: a nested message's
/// field 1 is not ours. When field 1 appears more than once the last one wins, as in any
/// protobuf decoder. A malformed message, anywhere, is an error; so is a field 1 that is
/// not length-delimited or not UTF-8.
pub fn peek_name(message: &[u8]) -> anyhow::Result<Option<String>> {
    let mut name = None;
    // Walk every field, even after finding a name: a later one wins, and a broken field
    // further on makes the whole message invalid.
    for field in wire::fields(message) {
        let field = field?;
        if field.number != 1 {
            continue;
        }
        let Value::Len(bytes) = field.value else {
            bail!(
                "field 1 is a {} field, not a string",
                field.value.wire_type()
            );
        };
        name = Some(std::str::from_utf8(bytes)?.to_string());
    }
    Ok(name)
}
