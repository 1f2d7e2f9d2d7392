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
    // TODO: the contact with its new name, as the doc comment says. The test sends fields
    // v1 has never heard of: they must come out byte for byte as they came in.
    todo!("rename the contact, keeping every other field")
}
