//! The worked example's address book: it survives the round trip, and it is smaller than
//! the same data as JSON.

use l04_protobuf::address_book::{BookJson, listing, sample};
use prost::Message;
use proto::tutorial::AddressBook;

#[test]
fn the_sample_survives_a_round_trip() {
    let book = sample();
    let bytes = book.encode_to_vec();
    assert_eq!(bytes.len(), book.encoded_len());
    assert_eq!(AddressBook::decode(bytes.as_slice()).unwrap(), book);
}

#[test]
fn the_json_view_follows_the_protobuf_json_mapping() {
    let json = serde_json::to_value(BookJson::from(&sample())).unwrap();
    let expected = serde_json::json!({
        "people": [
            {
                "name": "Ada Lovelace",
                "id": 1815,
                "email": "ada@example.com",
                "phones": [{ "number": "+44 20 7946 0018", "type": "PHONE_TYPE_MOBILE" }],
                "lastUpdated": "2024-01-01T00:00:00Z",
                "preferredPhone": "+44 20 7946 0018"
            },
            { "name": "Alan Turing", "id": 1912 }
        ]
    });
    assert_eq!(json, expected);
}

#[test]
fn protobuf_is_smaller_than_compact_json() {
    let book = sample();
    let json = serde_json::to_vec(&BookJson::from(&book)).unwrap();
    assert!(
        book.encoded_len() * 2 < json.len(),
        "{} vs {}",
        book.encoded_len(),
        json.len()
    );
}

#[test]
fn the_listing_shows_set_fields_only() {
    let text = listing(&sample());
    assert!(
        text.contains("  Mobile phone #: +44 20 7946 0018\n"),
        "{text}"
    );
    assert!(
        text.ends_with("Person ID: 1912\n  Name: Alan Turing\n"),
        "{text}"
    );
}
