//! Exercise `protobuf.peek`: field 1 read without the schema, agreeing with prost, and
//! never a panic. Run it with `cargo test -p l04-protobuf --test peek`.

mod common;

use common::{garbage, mutations, no_panic, prefixes};
use l04_protobuf::address_book::sample;
use l04_protobuf::exercises::peek::peek_name;
use prost::Message;
use proto::tutorial::Person;
use proto::tutorial::person::PhoneNumber;

fn ada() -> Person {
    sample().people[0].clone()
}

fn peek(message: &[u8]) -> anyhow::Result<Option<String>> {
    no_panic("peek_name", message, peek_name)
}

#[test]
fn finds_the_name_of_a_person() {
    for person in sample().people {
        let name = peek(&person.encode_to_vec()).expect("a valid Person");
        assert_eq!(name.as_deref(), Some(person.name.as_str()));
    }
}

#[test]
fn no_field_1_is_none_even_when_a_nested_message_has_one() {
    let nameless = Person {
        phones: vec![PhoneNumber {
            number: "+1 202 555 0100".to_string(),
            r#type: 1,
        }],
        ..Default::default()
    };
    assert_eq!(
        peek(&nameless.encode_to_vec()).unwrap(),
        None,
        "the phone's number is field 1 of the phone, not of the person"
    );
    assert_eq!(peek(&[]).unwrap(), None, "the empty message has no fields");
}

#[test]
fn the_last_name_wins() {
    let mut bytes = ada().encode_to_vec();
    Person {
        name: "Augusta Ada King".to_string(),
        ..Default::default()
    }
    .encode(&mut bytes)
    .unwrap();
    assert_eq!(
        peek(&bytes).unwrap().as_deref(),
        Some("Augusta Ada King"),
        "two messages one after the other merge: the later name wins"
    );
}

#[test]
fn unknown_fields_of_every_wire_type_are_skipped() {
    let mut bytes = Vec::new();
    prost::encoding::uint64::encode(100, &u64::MAX, &mut bytes);
    prost::encoding::fixed64::encode(101, &1, &mut bytes);
    prost::encoding::string::encode(1, &"Ada".to_string(), &mut bytes);
    prost::encoding::bytes::encode(102, &vec![0x0a, 0x01], &mut bytes);
    prost::encoding::fixed32::encode(103, &1, &mut bytes);
    assert_eq!(peek(&bytes).unwrap().as_deref(), Some("Ada"));
}

#[test]
fn a_field_1_that_is_not_text_is_an_error() {
    let number = [0x08, 0x01]; // field 1, VARINT 1
    assert!(
        peek(&number).is_err(),
        "field 1 as a varint: {:?}",
        peek(&number)
    );
    let not_utf8 = [0x0a, 0x02, 0xc3, 0x28];
    assert!(
        peek(&not_utf8).is_err(),
        "field 1 is not UTF-8: {:?}",
        peek(&not_utf8)
    );
}

#[test]
fn a_broken_message_is_an_error_even_after_the_name() {
    let mut bytes = ada().encode_to_vec();
    bytes.extend([0x22, 0x10, 0x0a]); // a phone that claims 16 bytes and has 1
    assert!(
        peek(&bytes).is_err(),
        "the whole message must be valid, got {:?}",
        peek(&bytes)
    );
}

#[test]
fn every_prefix_agrees_with_prost() {
    let bytes = ada().encode_to_vec();
    for prefix in prefixes(&bytes) {
        let yours = peek(prefix);
        match Person::decode(prefix) {
            Ok(person) => {
                let yours =
                    yours.unwrap_or_else(|e| panic!("{prefix:02x?} is a valid Person, but: {e}"));
                assert_eq!(yours.unwrap_or_default(), person.name, "{prefix:02x?}");
            }
            Err(_) => assert!(
                yours.is_err(),
                "{} of {} bytes is not a Person, got {yours:?}",
                prefix.len(),
                bytes.len()
            ),
        }
    }
}

#[test]
fn garbage_never_panics_and_agrees_with_prost_when_both_read_it() {
    let valid = ada().encode_to_vec();
    for input in garbage(5_000).iter().chain(&mutations(&valid, 5_000)) {
        let yours = peek(input);
        if let (Ok(yours), Ok(person)) = (yours, Person::decode(input.as_slice())) {
            assert_eq!(yours.unwrap_or_default(), person.name, "{input:02x?}");
        }
    }
}
