//! Exercise `protobuf.fields`: tags and fields written by hand, byte for byte what prost
//! writes. Run it with `cargo test -p l04-protobuf --test fields`.

use l04_protobuf::address_book::sample;
use l04_protobuf::exercises::fields::{make_tag, write_field};
use l04_protobuf::wire::{self, MAX_FIELD_NUMBER, Value, WireType};
use prost::Message;
use prost::encoding::{self as pe, encode_varint};

const WIRE_TYPES: [(WireType, pe::WireType); 4] = [
    (WireType::Varint, pe::WireType::Varint),
    (WireType::I64, pe::WireType::SixtyFourBit),
    (WireType::Len, pe::WireType::LengthDelimited),
    (WireType::I32, pe::WireType::ThirtyTwoBit),
];

#[test]
fn tags_are_the_number_and_the_wire_type_in_one() {
    assert_eq!(make_tag(1, WireType::Len), 0x0a, "field 1, LEN: 1 << 3 | 2");
    assert_eq!(
        make_tag(2, WireType::Varint),
        0x10,
        "field 2, VARINT: 2 << 3 | 0"
    );
    assert_eq!(make_tag(5, WireType::I32), 0x2d, "field 5, I32: 5 << 3 | 5");
    assert_eq!(
        make_tag(16, WireType::I64),
        0x81,
        "field 16, I64: 16 << 3 | 1"
    );
}

#[test]
fn tags_match_prost_and_split_back() {
    let numbers = [1, 2, 15, 16, 2047, 2048, 262_143, 262_144, MAX_FIELD_NUMBER];
    for number in numbers {
        for (ours, prosts) in WIRE_TYPES {
            let mut key = Vec::new();
            pe::encode_key(number, prosts, &mut key);
            let mut expected = Vec::new();
            encode_varint(make_tag(number, ours), &mut expected);
            assert_eq!(
                expected, key,
                "the tag of field {number}, {ours} (left: yours)"
            );
            assert_eq!(wire::split_tag(make_tag(number, ours)), Ok((number, ours)));
        }
    }
}

/// `write_field(number, value)` against the bytes prost wrote for the same field.
fn check(number: u32, value: Value<'_>, prosts: Vec<u8>) {
    let mut yours = Vec::new();
    write_field(number, value, &mut yours);
    assert_eq!(
        yours, prosts,
        "field {number} = {value:?} (left: yours, right: prost's)"
    );
}

#[test]
fn varint_fields() {
    let mut b = Vec::new();
    pe::int32::encode(2, &1815, &mut b);
    check(2, Value::Varint(1815), b);
    let mut b = Vec::new();
    pe::int32::encode(3, &-1, &mut b);
    check(3, Value::Varint(-1i64 as u64), b);
    let mut b = Vec::new();
    pe::uint64::encode(MAX_FIELD_NUMBER, &u64::MAX, &mut b);
    check(MAX_FIELD_NUMBER, Value::Varint(u64::MAX), b);
    let mut b = Vec::new();
    pe::bool::encode(20, &true, &mut b);
    check(20, Value::Varint(1), b);
}

#[test]
fn fixed_size_fields() {
    let mut b = Vec::new();
    pe::fixed64::encode(1, &0x0102_0304_0506_0708, &mut b);
    check(1, Value::I64(0x0102_0304_0506_0708), b);
    let mut b = Vec::new();
    pe::double::encode(2, &-2.5, &mut b);
    check(2, Value::I64((-2.5f64).to_bits()), b);
    let mut b = Vec::new();
    pe::fixed32::encode(3, &0xdead_beef, &mut b);
    check(3, Value::I32(0xdead_beef), b);
    let mut b = Vec::new();
    pe::float::encode(4, &1.5, &mut b);
    check(4, Value::I32(1.5f32.to_bits()), b);
}

#[test]
fn length_delimited_fields() {
    let mut b = Vec::new();
    pe::string::encode(1, &"Ada Lovelace".to_string(), &mut b);
    check(1, Value::Len(b"Ada Lovelace"), b);
    let mut b = Vec::new();
    pe::string::encode(1, &String::new(), &mut b);
    check(1, Value::Len(b""), b);
    let long = vec![7u8; 300]; // a length that needs two bytes
    let mut b = Vec::new();
    pe::bytes::encode(9, &long, &mut b);
    check(9, Value::Len(&long), b);
    let phone = &sample().people[0].phones[0];
    let mut b = Vec::new();
    pe::message::encode(4, phone, &mut b);
    check(4, Value::Len(&phone.encode_to_vec()), b);
}

#[test]
fn a_whole_person_field_by_field() {
    let ada = &sample().people[0];
    let mut yours = Vec::new();
    // Every field as it was read off prost's bytes, written again with write_field.
    for field in wire::fields(&ada.encode_to_vec()) {
        let field = field.unwrap();
        write_field(field.number, field.value, &mut yours);
    }
    assert_eq!(
        yours,
        ada.encode_to_vec(),
        "Ada, rewritten (left) and as prost wrote her"
    );
}
