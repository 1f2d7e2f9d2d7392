//! Exercise `protobuf.person`: `person_from_json` reads a `Person` from protobuf's JSON
//! mapping. Run it with `cargo test -p l04-protobuf --test person`.

use l04_protobuf::address_book::{BookJson, sample};
use l04_protobuf::exercises::person::person_from_json;
use l04_protobuf::inspect;
use prost::Message;
use proto::tutorial::person::{PhoneType, PreferredContact};

const GRACE: &str = r#"{
  "name": "Grace Hopper",
  "id": 1906,
  "email": "grace@example.com",
  "phones": [
    {"number": "+1 202 555 0100", "type": "PHONE_TYPE_MOBILE"},
    {"number": "+1 202 555 0199", "type": "PHONE_TYPE_WORK"}
  ],
  "lastUpdated": "2024-12-09T00:00:00Z",
  "preferredPhone": "+1 202 555 0100"
}"#;

fn grace() -> proto::tutorial::Person {
    person_from_json(GRACE).unwrap_or_else(|error| panic!("Grace's JSON: {error:#}"))
}

#[test]
fn her_bytes_carry_the_expected_fields() {
    let bytes = grace().encode_to_vec();
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
        "\nyour Person on the wire (left) is not the one her JSON describes (right)"
    );
}

#[test]
fn she_reads_back_with_typed_fields() {
    let person = grace();
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

#[test]
fn what_the_worked_example_writes_reads_back_the_same() {
    // The worked example's BookJson, one person at a time: each must come back as it was.
    let book = sample();
    let json = serde_json::to_value(BookJson::from(&book)).expect("BookJson serializes");
    let people = json["people"].as_array().expect("an array of people");
    for (written, original) in people.iter().zip(&book.people) {
        let read = person_from_json(&written.to_string());
        let read = read.unwrap_or_else(|error| panic!("{written}: {error:#}"));
        assert_eq!(
            &read, original,
            "read back from the JSON the worked example wrote: {written}"
        );
    }
}

#[test]
fn members_left_out_or_null_are_defaults_and_unknown_ones_are_ignored() {
    let person = person_from_json(
        r#"{"name": "Alan Turing", "id": 1912, "email": null, "nickname": "Prof"}"#,
    );
    let person = person.unwrap_or_else(|error| panic!("{error:#}"));
    assert_eq!(
        person,
        proto::tutorial::Person {
            name: "Alan Turing".to_string(),
            id: 1912,
            ..Default::default()
        },
        "name and id set, every other field at its default"
    );

    // A type number from a newer writer is kept as it is, not refused and not changed.
    let person = person_from_json(r#"{"phones": [{"number": "555", "type": 7}]}"#);
    let person = person.unwrap_or_else(|error| panic!("{error:#}"));
    assert_eq!(
        person.phones.first().map(|phone| phone.r#type),
        Some(7),
        "a phone type of 7, which PhoneType does not know"
    );
}

#[test]
fn what_no_person_holds_is_an_error() {
    for (what, json) in [
        ("text that is not JSON", r#"{"name": "#),
        ("an array", r#"[]"#),
        ("an id given as text", r#"{"id": "1906"}"#),
        ("an id over i32::MAX", r#"{"id": 2147483648}"#),
        (
            "a type name PhoneType lacks",
            r#"{"phones": [{"type": "PHONE_TYPE_PAGER"}]}"#,
        ),
        (
            "phones that are not an array",
            r#"{"phones": {"number": "555"}}"#,
        ),
        (
            "a lastUpdated that is no time",
            r#"{"lastUpdated": "yesterday"}"#,
        ),
        (
            "both members of the oneof",
            r#"{"preferredEmail": "a@example.com", "preferredPhone": "555"}"#,
        ),
    ] {
        let read = person_from_json(json);
        assert!(
            read.is_err(),
            "{what}, {json}: expected an error, got {read:?}"
        );
    }
}
