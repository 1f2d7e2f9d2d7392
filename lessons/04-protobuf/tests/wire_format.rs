//! The worked example's schema-less reader (`src/wire.rs`) against prost, and against
//! every kind of bad input.

use crate::common;

use common::{Random, garbage, mutations, no_panic, prefixes};
use l04_protobuf::address_book;
use l04_protobuf::wire::{self, Field, TagError, Value, WireError};
use prost::Message;

fn read_all(message: &[u8]) -> Result<Vec<Field<'_>>, WireError> {
    wire::fields(message).collect()
}

#[test]
fn varints_read_as_prost_writes_them() {
    let mut random = Random::new(1);
    let edges = [
        0,
        1,
        127,
        128,
        300,
        16_383,
        16_384,
        u32::MAX as u64,
        u64::MAX,
    ];
    let values = edges
        .into_iter()
        .chain((0..10_000).map(|_| random.any_width()));
    for value in values {
        let mut bytes = Vec::new();
        prost::encoding::encode_varint(value, &mut bytes);
        let mut pos = 0;
        assert_eq!(
            wire::read_varint(&bytes, &mut pos),
            Ok(value),
            "{bytes:02x?}"
        );
        assert_eq!(pos, bytes.len(), "read {value} from {bytes:02x?}");
    }
}

#[test]
fn varints_are_rejected_where_prost_rejects_them() {
    let mut random = Random::new(2);
    for _ in 0..10_000 {
        // Mostly continuation bytes, so that long and overlong varints are common.
        let len = (random.next_u64() % 12) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| random.next_u64() as u8 | 0x80).collect();
        let mut bytes = bytes;
        bytes.push(random.next_u64() as u8 & 0x03);
        for input in [&bytes[..], &bytes[..bytes.len() - 1]] {
            let mut pos = 0;
            let ours = wire::read_varint(input, &mut pos);
            let prosts = prost::encoding::decode_varint(&mut &input[..]);
            assert_eq!(
                ours.is_ok(),
                prosts.is_ok(),
                "{input:02x?}: {ours:?} vs {prosts:?}"
            );
            if let (Ok(ours), Ok(prosts)) = (ours, prosts) {
                assert_eq!(ours, prosts, "{input:02x?}");
            }
        }
    }
}

#[test]
fn the_sample_address_book_reads_as_its_fields() {
    let bytes = address_book::sample().encode_to_vec();
    let people = read_all(&bytes).expect("a valid address book");
    assert_eq!(people.len(), 2);
    assert!(people.iter().all(|p| p.number == 1));
    let Value::Len(ada) = people[0].value else {
        panic!("a person is length-delimited, got {:?}", people[0].value)
    };
    let numbers: Vec<u32> = read_all(ada).unwrap().iter().map(|f| f.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 7]);
    let encoded: Vec<u8> = people.iter().flat_map(|p| p.encoded.to_vec()).collect();
    assert_eq!(
        encoded, bytes,
        "the fields' bytes, put together, are the message"
    );
}

#[test]
fn all_four_wire_types_are_read() {
    // Written by prost: a fixed64 (1), a double (2), a fixed32 (3), a float (4), a
    // negative int32 (5), a string (6).
    let mut bytes = Vec::new();
    prost::encoding::fixed64::encode(1, &0x0102_0304_0506_0708, &mut bytes);
    prost::encoding::double::encode(2, &1.0, &mut bytes);
    prost::encoding::fixed32::encode(3, &0x0a0b_0c0d, &mut bytes);
    prost::encoding::float::encode(4, &1.0, &mut bytes);
    prost::encoding::int32::encode(5, &-1, &mut bytes);
    prost::encoding::string::encode(6, &"hé".to_string(), &mut bytes);
    let values: Vec<(u32, Value)> = read_all(&bytes)
        .unwrap()
        .into_iter()
        .map(|f| (f.number, f.value))
        .collect();
    assert_eq!(
        values,
        [
            (1, Value::I64(0x0102_0304_0506_0708)),
            (2, Value::I64(1f64.to_bits())),
            (3, Value::I32(0x0a0b_0c0d)),
            (4, Value::I32(1f32.to_bits())),
            (5, Value::Varint(u64::MAX)),
            (6, Value::Len("hé".as_bytes())),
        ]
    );
}

#[test]
fn each_kind_of_bad_input_is_its_own_error() {
    let cases: &[(&[u8], WireError)] = &[
        (&[0x08, 0x96], WireError::TruncatedVarint { offset: 1 }),
        (&[0x88], WireError::TruncatedVarint { offset: 0 }),
        (
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ],
            WireError::VarintTooLong { offset: 1 },
        ),
        (
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
            ],
            WireError::VarintTooLong { offset: 1 },
        ),
        (
            &[0x0a, 0x05, b'a', b'b'],
            WireError::PastTheEnd {
                offset: 2,
                needed: 5,
                left: 2,
            },
        ),
        (
            &[0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
            WireError::PastTheEnd {
                offset: 10,
                needed: u64::MAX >> 1,
                left: 0,
            },
        ),
        (
            &[0x09, 1, 2, 3],
            WireError::PastTheEnd {
                offset: 1,
                needed: 8,
                left: 3,
            },
        ),
        (
            &[0x0d, 1, 2, 3],
            WireError::PastTheEnd {
                offset: 1,
                needed: 4,
                left: 3,
            },
        ),
        (
            &[0x02, 0x00],
            WireError::BadTag {
                offset: 0,
                error: TagError::FieldNumberZero,
            },
        ),
        (
            &[0x0b],
            WireError::BadTag {
                offset: 0,
                error: TagError::Group(3),
            },
        ),
        (
            &[0x08, 0x01, 0x0c],
            WireError::BadTag {
                offset: 2,
                error: TagError::Group(4),
            },
        ),
        (
            &[0x0e],
            WireError::BadTag {
                offset: 0,
                error: TagError::UnknownWireType(6),
            },
        ),
        (
            &[0x0f],
            WireError::BadTag {
                offset: 0,
                error: TagError::UnknownWireType(7),
            },
        ),
        (
            &[0x80, 0x80, 0x80, 0x80, 0x10],
            WireError::BadTag {
                offset: 0,
                error: TagError::FieldNumberTooLarge(1 << 29),
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(
            read_all(input).unwrap_err(),
            *expected,
            "input {input:02x?}"
        );
        // The message says where the problem is.
        assert!(expected.to_string().starts_with("at byte "), "{expected}");
    }
}

#[test]
fn the_largest_field_number_is_fine() {
    let mut bytes = Vec::new();
    prost::encoding::uint32::encode(wire::MAX_FIELD_NUMBER, &7, &mut bytes);
    let fields = read_all(&bytes).unwrap();
    assert_eq!(
        (fields[0].number, fields[0].value),
        (wire::MAX_FIELD_NUMBER, Value::Varint(7))
    );
}

#[test]
fn every_prefix_reads_as_far_as_it_goes() {
    let bytes = address_book::sample().encode_to_vec();
    let boundaries: Vec<usize> = read_all(&bytes)
        .unwrap()
        .iter()
        .map(|field| field.offset + field.encoded.len())
        .collect();
    for prefix in prefixes(&bytes) {
        let fields: Vec<_> = no_panic("wire::fields", prefix, |p| wire::fields(p).collect());
        let complete = fields.iter().filter(|f| f.is_ok()).count();
        let cut_inside_a_field = !boundaries.contains(&prefix.len()) && !prefix.is_empty();
        // The fields before the cut are all there; a cut inside a field is an error.
        assert_eq!(
            complete,
            boundaries.iter().filter(|&&b| b <= prefix.len()).count()
        );
        assert_eq!(
            fields.last().is_some_and(|f| f.is_err()),
            cut_inside_a_field,
            "{} bytes",
            prefix.len()
        );
        // prost agrees about which prefixes are messages.
        let prost = proto::tutorial::AddressBook::decode(prefix);
        assert_eq!(prost.is_ok(), !cut_inside_a_field, "{} bytes", prefix.len());
    }
}

#[test]
fn garbage_is_an_error_or_fields_never_a_panic() {
    let valid = address_book::sample().encode_to_vec();
    for input in garbage(5_000).iter().chain(&mutations(&valid, 5_000)) {
        let fields: Vec<_> = no_panic("wire::fields", input, |i| wire::fields(i).collect());
        // Whatever was read lies inside the input, in order, without gaps.
        let mut end = 0;
        for field in fields.iter().flatten() {
            assert_eq!(field.offset, end, "{input:02x?}");
            end += field.encoded.len();
        }
        assert!(end <= input.len());
        assert!(
            fields.iter().filter(|f| f.is_err()).count() <= 1,
            "one error, then the end"
        );
    }
}
