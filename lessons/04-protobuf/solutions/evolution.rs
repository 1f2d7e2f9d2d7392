//! Exercise `protobuf.evolution`: an old program edits a newer message without losing
//! what it does not understand.

use prost::Message;
use proto::evolution::v1;

use crate::wire;

/// The field number of `name` in every version of `Contact`.
const NAME: u32 = 1;

/// A program built from `evolution_v1.proto` renames a contact. The bytes may come from a
/// newer program: every field other than the name must come out exactly as it came in,
/// including fields v1 has never heard of. Renaming to "" leaves the contact without a
/// name. Bytes that v1 cannot decode are an error.
pub fn rename(message: &[u8], new_name: &str) -> anyhow::Result<Vec<u8>> {
    // Refuse what a v1 program could not read at all.
    v1::Contact::decode(message)?;
    // Decoding into v1::Contact and encoding again would drop the unknown fields, so copy
    // the fields as they are, leaving out every old name…
    let mut out = Vec::with_capacity(message.len() + new_name.len() + 2);
    for field in wire::fields(message) {
        let field = field?;
        if field.number != NAME {
            out.extend_from_slice(field.encoded);
        }
    }
    // …then add the new one. Field order does not matter to a reader. An empty name is
    // left out, as proto3 leaves out every field at its default.
    if !new_name.is_empty() {
        prost::encoding::string::encode(NAME, &new_name.to_string(), &mut out);
    }
    Ok(out)
}
