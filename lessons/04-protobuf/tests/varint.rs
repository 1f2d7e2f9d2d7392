//! Exercise `protobuf.varint`: varints written and ZigZag undone by hand, and a packed
//! sint64 list read, checked against prost's own bytes. Run it with
//! `cargo test -p l04-protobuf --test varint`.

mod common;

use common::Random;
use l04_protobuf::exercises::varint::{
    decode_packed_sint64, encode_varint, zigzag_decode, zigzag_encode,
};

/// Values where varints change length, the extremes, and many at random.
fn values() -> Vec<u64> {
    let mut values = vec![
        0,
        1,
        127,
        128,
        255,
        256,
        300,
        16_383,
        16_384,
        u32::MAX as u64,
        u64::MAX,
    ];
    for bits in 1..64 {
        values.extend([(1 << bits) - 1, 1 << bits, (1 << bits) + 1]);
    }
    let mut random = Random::new(3);
    values.extend((0..10_000).map(|_| random.any_width()));
    values
}

fn prosts(value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    prost::encoding::encode_varint(value, &mut bytes);
    bytes
}

#[test]
fn encode_writes_what_prost_writes() {
    for value in values() {
        let mut yours = Vec::new();
        encode_varint(value, &mut yours);
        assert_eq!(
            yours,
            prosts(value),
            "the varint of {value} (left: yours, right: prost's)"
        );
    }
}

#[test]
fn encode_appends() {
    let mut out = vec![0xaa];
    encode_varint(300, &mut out);
    assert_eq!(
        out,
        [0xaa, 0xac, 0x02],
        "encode_varint adds to what is already in `out`"
    );
}

/// The payload of a packed `repeated sint64` field holding `values`, as prost writes it.
fn prosts_packed(values: &[i64]) -> Vec<u8> {
    let mut field = Vec::new();
    prost::encoding::sint64::encode_packed(1, values, &mut field);
    if field.is_empty() {
        return field; // prost writes no field at all for an empty list
    }
    let mut rest = &field[1..]; // the tag: field 1, LEN
    let len = prost::encoding::decode_varint(&mut rest).expect("prost's length") as usize;
    assert_eq!(rest.len(), len, "prost's packed field");
    rest.to_vec()
}

#[test]
fn packed_values_read_what_prost_writes() {
    let mut random = Random::new(7);
    let lists: Vec<Vec<i64>> = vec![
        vec![],
        vec![0],
        vec![-1, 1, -2, 2],
        vec![i64::MIN, i64::MAX, 0, -64, 64],
        (0..1000)
            .map(|_| {
                let n = random.any_width() as i64;
                if random.next_u64().is_multiple_of(2) {
                    n
                } else {
                    n.wrapping_neg()
                }
            })
            .collect(),
    ];
    for values in lists {
        let payload = prosts_packed(&values);
        let read = decode_packed_sint64(&payload);
        assert!(
            read.as_deref() == Some(&values[..]),
            "the packed payload of {} values ({} bytes) read back as {:?}",
            values.len(),
            payload.len(),
            read.map(|read| read.len())
        );
    }
}

#[test]
fn packed_values_refuse_a_payload_that_is_not_one() {
    let mut payload = prosts_packed(&[5, -300, 1 << 40]);
    // Cut off inside its last varint: no prefix of the list is a list.
    payload.pop();
    assert_eq!(
        decode_packed_sint64(&payload),
        None,
        "{payload:02x?} ends inside a varint"
    );
    let overlong = [
        0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
    ];
    assert_eq!(
        decode_packed_sint64(&overlong),
        None,
        "{overlong:02x?} holds a varint of 65 bits"
    );
}

#[test]
fn packed_values_agree_with_prost_on_odd_input() {
    let mut random = Random::new(8);
    for _ in 0..10_000 {
        // Mostly continuation bytes, so that long, cut and overlong varints are common.
        let len = (random.next_u64() % 24) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|_| match random.next_u64() % 4 {
                0 => random.next_u64() as u8 & 0x7f,
                _ => random.next_u64() as u8 | 0x80,
            })
            .collect();
        let mut rest = bytes.as_slice();
        let mut prosts = Some(Vec::new());
        while !rest.is_empty() {
            match prost::encoding::decode_varint(&mut rest) {
                Ok(value) => prosts.as_mut().expect("still a list").push(zigzag(value)),
                Err(_) => {
                    prosts = None;
                    break;
                }
            }
        }
        assert_eq!(
            decode_packed_sint64(&bytes),
            prosts,
            "reading {bytes:02x?} (left: yours, right: prost's)"
        );
    }
}

/// ZigZag undone, as the test's own reference.
fn zigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

#[test]
fn zigzag_maps_small_negatives_to_small_numbers() {
    let table = [
        (0, 0),
        (-1, 1),
        (1, 2),
        (-2, 3),
        (2, 4),
        (-64, 127),
        (64, 128),
    ];
    for (n, zigzagged) in table {
        assert_eq!(zigzag_encode(n), zigzagged, "zigzag_encode({n})");
        assert_eq!(zigzag_decode(zigzagged), n, "zigzag_decode({zigzagged})");
    }
    assert_eq!(zigzag_encode(i64::MAX), u64::MAX - 1);
    assert_eq!(zigzag_encode(i64::MIN), u64::MAX);
    assert_eq!(zigzag_decode(u64::MAX), i64::MIN);
}

#[test]
fn zigzag_is_what_prost_sends_for_sint64() {
    let mut random = Random::new(6);
    let mut numbers = vec![i64::MIN, -1, 0, i64::MAX];
    for _ in 0..10_000 {
        let n = random.any_width() as i64;
        numbers.push(if random.next_u64().is_multiple_of(2) {
            n
        } else {
            n.wrapping_neg()
        });
    }
    for n in numbers {
        let mut prosts = Vec::new();
        prost::encoding::sint64::encode(1, &n, &mut prosts);
        let mut expected = vec![0x08]; // field 1, VARINT
        prost::encoding::encode_varint(zigzag_encode(n), &mut expected);
        assert_eq!(
            expected, prosts,
            "sint64 {n} on the wire (left: with your zigzag_encode)"
        );
        assert_eq!(
            zigzag_decode(zigzag_encode(n)),
            n,
            "zigzag_decode undoes zigzag_encode"
        );
    }
}
