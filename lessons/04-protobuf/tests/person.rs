//! Exercise `protobuf.person`: `grace_hopper()` builds the `Person` its doc comment
//! describes. Run it with `cargo test -p l04-protobuf --test person`.

use l04_protobuf::exercises::person::grace_hopper;
use l04_protobuf::inspect;
use prost::Message;
use proto::tutorial::person::{PhoneType, PreferredContact};

#[test]
fn her_bytes_carry_the_expected_fields() {
    let bytes = grace_hopper().encode_to_vec();
    let mut fields = String::new();
    inspect::decode_raw(&bytes, &mut fields).expect("prost writes valid messages");
    // Field numbers from proto/person.proto: 1 name, 2 id, 3 email, 4 phones (each a
    // PhoneNumber: 1 number, 2 type), 5 last_updated (a Timestamp: 1 seconds),
    // 7 preferred_phone.
    let expected = r#"1: "Grace Hopper"
2: 1906
3: "grace@example.com"
4 {
  1: "+1 202 555 0100"
  2: 1
}
4 {
  1: "+1 202 555 0199"
  2: 3
}
5 {
  1: 1733702400
}
7: "+1 202 555 0100"
"#;
    assert_eq!(
        fields, expected,
        "\nyour Person on the wire (left) is not the one described (right)"
    );
}

#[test]
fn she_reads_back_with_typed_fields() {
    let bytes = grace_hopper().encode_to_vec();
    let person = proto::tutorial::Person::decode(bytes.as_slice()).unwrap();
    let phone_types: Vec<PhoneType> = person.phones.iter().map(|p| p.r#type()).collect();
    assert_eq!(
        phone_types,
        [PhoneType::Mobile, PhoneType::Work],
        "the phone types"
    );
    let updated = person.last_updated.map(|t| t.to_string());
    assert_eq!(
        updated.as_deref(),
        Some("2024-12-09T00:00:00Z"),
        "last_updated"
    );
    assert_eq!(
        person.preferred_contact,
        Some(PreferredContact::PreferredPhone(
            "+1 202 555 0100".to_string()
        )),
        "the preferred contact"
    );
}
