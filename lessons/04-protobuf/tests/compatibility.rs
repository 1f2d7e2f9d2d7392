//! What protobuf promises about schema evolution, shown with prost and the two versions
//! of `Contact` in `proto/evolution_v1.proto` and `proto/evolution_v2.proto`.

use l04_protobuf::evolution::{newer_contact, older_contact, report};
use prost::Message;
use proto::evolution::{v1, v2};

#[test]
fn an_old_reader_skips_the_fields_it_does_not_know() {
    let bytes = newer_contact().encode_to_vec();
    let old = v1::Contact::decode(bytes.as_slice()).expect("v1 reads v2's bytes");
    assert_eq!(old.name, "Grace Hopper");
    assert_eq!(old.id, 1906);
    assert_eq!(old.fax, "", "field 3 was not sent: the default");
}

#[test]
fn a_new_reader_gets_defaults_for_the_fields_an_old_writer_never_sent() {
    let bytes = older_contact().encode_to_vec();
    let new = v2::Contact::decode(bytes.as_slice()).expect("v2 reads v1's bytes");
    assert_eq!((new.name.as_str(), new.id), ("Alan Turing", 1912));
    assert_eq!(new.email, "");
    assert!(new.tags.is_empty());
    assert_eq!(new.status(), v2::contact::Status::Unspecified);
}

#[test]
fn prost_drops_unknown_fields_when_it_re_encodes() {
    let bytes = newer_contact().encode_to_vec();
    let old = v1::Contact::decode(bytes.as_slice()).unwrap();
    let round_tripped = v2::Contact::decode(old.encode_to_vec().as_slice()).unwrap();
    assert_eq!(round_tripped.name, "Grace Hopper");
    assert_eq!(round_tripped.email, "", "gone: v1 kept no copy of field 4");
    assert!(round_tripped.tags.is_empty());
}

#[test]
fn an_enum_number_the_reader_does_not_know_survives_as_a_number() {
    let mut contact = newer_contact();
    contact.status = 7; // a status a future version might add
    let read = v2::Contact::decode(contact.encode_to_vec().as_slice()).unwrap();
    assert_eq!(read.status, 7);
    assert_eq!(
        read.status(),
        v2::contact::Status::Unspecified,
        "the accessor falls back"
    );
}

#[test]
fn concatenated_messages_merge_and_the_last_scalar_wins() {
    let mut bytes = newer_contact().encode_to_vec();
    let update = v2::Contact {
        name: "Rear Admiral Grace Hopper".to_string(),
        tags: vec!["compilers".to_string()],
        ..Default::default()
    };
    update.encode(&mut bytes).unwrap();
    let merged = v2::Contact::decode(bytes.as_slice()).unwrap();
    assert_eq!(merged.name, "Rear Admiral Grace Hopper");
    assert_eq!(merged.id, 1906, "not in the update: kept");
    assert_eq!(
        merged.tags,
        ["navy", "cobol", "compilers"],
        "repeated fields append"
    );
}

#[test]
fn the_report_tells_the_story() {
    let report = report().unwrap();
    assert!(
        report.contains("v1 reads them:  Contact { name: \"Grace Hopper\", id: 1906, fax: \"\" }"),
        "{report}"
    );
    assert!(
        report.contains("v1 writes back 17 bytes: 1=\"Grace Hopper\" 2=1906\n"),
        "{report}"
    );
}
