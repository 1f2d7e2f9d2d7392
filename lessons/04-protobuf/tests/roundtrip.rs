//! Exercise `protobuf.roundtrip`: an address book to bytes and back, and `add_person`.
//! Run it with `cargo test -p l04-protobuf --test roundtrip`.

mod common;

use common::{garbage, no_panic, prefixes};
use l04_protobuf::address_book::sample;
use l04_protobuf::exercises::roundtrip::{add_person, decode_book, encode_book};
use prost::Message;
use proto::tutorial::{AddressBook, Person};

fn grace() -> Person {
    Person {
        name: "Grace Hopper".to_string(),
        id: 1906,
        ..Default::default()
    }
}

#[test]
fn a_book_survives_the_round_trip() {
    let book = sample();
    let bytes = encode_book(&book);
    assert_eq!(
        bytes,
        book.encode_to_vec(),
        "encode_book writes what prost writes"
    );
    assert_eq!(decode_book(&bytes).expect("your own bytes decode"), book);
}

#[test]
fn an_empty_book_is_zero_bytes() {
    assert_eq!(encode_book(&AddressBook::default()), Vec::<u8>::new());
    assert_eq!(decode_book(&[]).unwrap(), AddressBook::default());
}

#[test]
fn a_cut_or_garbled_book_is_an_error() {
    let bytes = sample().encode_to_vec();
    // The book ends after each person (84 and 102 bytes); any other cut is inside one.
    for prefix in prefixes(&bytes).filter(|p| !p.is_empty() && p.len() != 84) {
        let decoded = no_panic("decode_book", prefix, decode_book);
        assert!(
            decoded.is_err(),
            "{} of {} bytes decoded: {decoded:?}",
            prefix.len(),
            bytes.len()
        );
    }
    let not_a_book = [0x0a, 0x05, 0xff, 0xff];
    assert!(
        decode_book(&not_a_book).is_err(),
        "{not_a_book:02x?} is not a book"
    );
    for input in garbage(2_000) {
        let _ = no_panic("decode_book", &input, decode_book);
    }
}

#[test]
fn add_person_appends_to_the_file() {
    let file = sample().encode_to_vec();
    let bytes = add_person(&file, &grace()).expect("the sample file is a valid book");
    let book = AddressBook::decode(bytes.as_slice()).expect("add_person writes a valid book");
    let names: Vec<&str> = book.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    assert_eq!(book.people[2], grace());
}

#[test]
fn add_person_starts_a_new_file_from_nothing() {
    let bytes = add_person(&[], &grace()).expect("an empty file is an empty book");
    let book = AddressBook::decode(bytes.as_slice()).unwrap();
    assert_eq!(book.people, [grace()]);
}

#[test]
fn add_person_refuses_a_file_that_is_not_a_book() {
    let file = sample().encode_to_vec();
    let result = add_person(&file[..50], &grace());
    assert!(
        result.is_err(),
        "a file cut in the middle of a person must be an error, got {result:?}"
    );
}
