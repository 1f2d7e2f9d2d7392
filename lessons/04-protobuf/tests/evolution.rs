//! Exercise `protobuf.evolution`: a v1 program renames a contact written by v2 and keeps
//! every field it does not know. Run it with `cargo test -p l04-protobuf --test evolution`.

mod common;

use common::{garbage, no_panic, prefixes};
use l04_protobuf::evolution::{newer_contact, older_contact};
use l04_protobuf::exercises::evolution::rename;
use prost::Message;
use proto::evolution::{v1, v2};

fn rename_ok(message: &[u8], new_name: &str) -> Vec<u8> {
    no_panic("rename", message, |m| rename(m, new_name))
        .unwrap_or_else(|e| panic!("renaming a valid contact failed: {e}"))
}

#[test]
fn the_new_name_arrives() {
    let bytes = rename_ok(&newer_contact().encode_to_vec(), "Grace Brewster Hopper");
    let as_v1 = v1::Contact::decode(bytes.as_slice()).expect("rename writes a valid contact");
    assert_eq!(as_v1.name, "Grace Brewster Hopper");
    assert_eq!(as_v1.id, 1906);
}

#[test]
fn the_fields_v1_does_not_know_survive() {
    let bytes = rename_ok(&newer_contact().encode_to_vec(), "Grace Brewster Hopper");
    let as_v2 = v2::Contact::decode(bytes.as_slice()).expect("rename writes a valid contact");
    let expected = v2::Contact {
        name: "Grace Brewster Hopper".to_string(),
        ..newer_contact()
    };
    assert_eq!(
        as_v2.email, expected.email,
        "email (field 4) was lost: prost drops the fields v1 does not know, so copy them from the input"
    );
    assert_eq!(
        as_v2.tags, expected.tags,
        "tags (field 5) were lost or changed"
    );
    assert_eq!(as_v2.status, expected.status, "status (field 6) was lost");
    assert_eq!(as_v2, expected);
}

#[test]
fn an_old_contact_keeps_its_fax() {
    let bytes = rename_ok(&older_contact().encode_to_vec(), "Alan Mathison Turing");
    let as_v1 = v1::Contact::decode(bytes.as_slice()).unwrap();
    assert_eq!(
        as_v1,
        v1::Contact {
            name: "Alan Mathison Turing".to_string(),
            ..older_contact()
        }
    );
}

#[test]
fn renaming_to_nothing_removes_the_name() {
    let bytes = rename_ok(&newer_contact().encode_to_vec(), "");
    let as_v2 = v2::Contact::decode(bytes.as_slice()).unwrap();
    assert_eq!(
        as_v2.name, "",
        "the old name is still there (proto3 does not write an empty string, so appending one changes nothing)"
    );
    assert_eq!(
        as_v2,
        v2::Contact {
            name: String::new(),
            ..newer_contact()
        }
    );
}

#[test]
fn a_name_sent_twice_is_replaced() {
    let mut bytes = newer_contact().encode_to_vec();
    v2::Contact {
        name: "G. Hopper".to_string(),
        ..Default::default()
    }
    .encode(&mut bytes)
    .unwrap();
    let renamed = rename_ok(&bytes, "Grace");
    assert_eq!(
        v2::Contact::decode(renamed.as_slice()).unwrap().name,
        "Grace"
    );
}

#[test]
fn bytes_that_are_not_a_contact_are_an_error() {
    let bytes = newer_contact().encode_to_vec();
    for prefix in prefixes(&bytes) {
        if v1::Contact::decode(prefix).is_err() {
            let result = no_panic("rename", prefix, |p| rename(p, "x"));
            assert!(
                result.is_err(),
                "{} of {} bytes is not a contact, yet rename gave {result:02x?}",
                prefix.len(),
                bytes.len()
            );
        }
    }
    for input in garbage(2_000) {
        let _ = no_panic("rename", &input, |i| rename(i, "x"));
    }
}
