//! Exercise `protobuf.peek`: one field out of a message, without its schema.

use anyhow::bail;

use crate::wire::{self, Value};

/// Field 1 of `message` as text (a `Person`'s name, an `evolution` contact's name), or
/// `None` when the message has no field 1. Only the top level counts: a nested message's
/// field 1 is not ours. When field 1 appears more than once the last one wins, as in any
/// protobuf decoder. A malformed message, anywhere, is an error; so is a field 1 that is
/// not length-delimited or not UTF-8.
pub fn peek_name(message: &[u8]) -> anyhow::Result<Option<String>> {
    // TODO: field 1 as the doc comment says, without a schema: whatever else the message
    // holds, and however it is broken, no input may panic.
    todo!("peek at field 1")
}
