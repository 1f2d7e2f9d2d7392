//! Exercise `protobuf.roundtrip`: an address book to bytes and back, and the Go tutorial's
//! `add_person`.

use prost::Message;
use proto::tutorial::{AddressBook, Person};

/// The address book's bytes.
pub fn encode_book(book: &AddressBook) -> Vec<u8> {
    // TODO: encode `book` with prost.
    todo!("encode the address book")
}

/// The address book in `bytes`, or why they are not one.
pub fn decode_book(bytes: &[u8]) -> Result<AddressBook, prost::DecodeError> {
    // TODO: decode an `AddressBook` from `bytes`.
    todo!("decode the address book")
}

/// The bytes of an address book file with `person` added at the end of its people.
/// A file that is not an address book is an error, and nothing is added to it.
pub fn add_person(file: &[u8], person: &Person) -> Result<Vec<u8>, prost::DecodeError> {
    // TODO: read the book in `file`, add `person`, and write the book again.
    todo!("add a person to the address book file")
}
