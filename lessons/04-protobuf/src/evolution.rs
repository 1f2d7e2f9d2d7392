//! Schema evolution: two versions of one message read each other's bytes.
//!
//! `proto/evolution_v1.proto` and `proto/evolution_v2.proto` define `Contact` a year
//! apart: v2 dropped field 3 and added fields 4 to 6. Programs built from either version
//! keep talking, because a reader skips field numbers it does not know and fills in the
//! default for numbers it does not find. One catch: prost throws the skipped fields away,
//! so an old program that decodes, edits and re-encodes a newer message loses them.

use prost::Message;
use proto::evolution::{v1, v2};

use crate::wire::{self, Value};

/// A contact as a program built from v2 writes it.
pub fn newer_contact() -> v2::Contact {
    v2::Contact {
        name: "Grace Hopper".to_string(),
        id: 1906,
        email: "grace@example.com".to_string(),
        tags: vec!["navy".to_string(), "cobol".to_string()],
        status: v2::contact::Status::Active.into(),
    }
}

/// A contact as a program built from v1 writes it.
pub fn older_contact() -> v1::Contact {
    v1::Contact {
        name: "Alan Turing".to_string(),
        id: 1912,
        fax: "+44 161 496 0000".to_string(),
    }
}

// ANCHOR: report
/// Sends each version's bytes to the other version and says what arrived.
pub fn report() -> Result<String, prost::DecodeError> {
    let mut out = String::new();

    let new_bytes = newer_contact().encode_to_vec();
    out += &format!(
        "v2 writes {} bytes: {}\n",
        new_bytes.len(),
        fields(&new_bytes)
    );
    let old_reader = v1::Contact::decode(new_bytes.as_slice())?;
    out += &format!("v1 reads them:  {old_reader:?}\n");
    out += "                (fields 4, 5 and 6 are skipped; fax is empty: its default)\n";
    let rewritten = old_reader.encode_to_vec();
    out += &format!(
        "v1 writes back {} bytes: {}\n",
        rewritten.len(),
        fields(&rewritten)
    );
    out += "                (prost kept no unknown fields: email, tags and status are lost)\n\n";

    let old_bytes = older_contact().encode_to_vec();
    out += &format!(
        "v1 writes {} bytes: {}\n",
        old_bytes.len(),
        fields(&old_bytes)
    );
    let new_reader = v2::Contact::decode(old_bytes.as_slice())?;
    out += &format!("v2 reads them:  {new_reader:?}\n");
    out += "                (field 3 is skipped; email, tags and status are at their defaults)\n";
    Ok(out)
}
// ANCHOR_END: report

/// The fields of a message on one line, `number=value`, without a schema.
fn fields(message: &[u8]) -> String {
    let fields: Vec<String> = wire::fields(message)
        .map(|field| match field {
            Ok(field) => match field.value {
                Value::Varint(n) => format!("{}={n}", field.number),
                Value::Len(bytes) => {
                    format!("{}={:?}", field.number, String::from_utf8_lossy(bytes))
                }
                Value::I64(n) => format!("{}={n:#x}", field.number),
                Value::I32(n) => format!("{}={n:#x}", field.number),
            },
            Err(error) => format!("({error})"),
        })
        .collect();
    fields.join(" ")
}
