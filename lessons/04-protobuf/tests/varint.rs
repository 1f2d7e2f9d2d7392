//! Exercise `protobuf.varint`: varints and ZigZag by hand, checked against prost's own
//! bytes. Run it with `cargo test -p l04-protobuf --test varint`.

mod common;

use common::Random;
use l04_protobuf::exercises::varint::{decode_varint, encode_varint, zigzag_decode, zigzag_encode};

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

#[test]
fn decode_reads_what_prost_writes() {
    for value in values() {
        let mut bytes = prosts(value);
        let len = bytes.len();
        bytes.extend([0x01, 0xff]); // whatever comes next is not part of the varint
        assert_eq!(
            decode_varint(&bytes),
            Some((value, len)),
            "reading {bytes:02x?}"
        );
    }
}

#[test]
fn decode_refuses_what_is_not_a_varint() {
    assert_eq!(decode_varint(&[]), None, "nothing is not a varint");
    for value in [128, 300, u32::MAX as u64, u64::MAX] {
        let bytes = prosts(value);
        for cut in 1..bytes.len() {
            let prefix = &bytes[..cut];
            assert_eq!(
                decode_varint(prefix),
                None,
                "{prefix:02x?} stops before its last byte"
            );
        }
    }
    let eleven_bytes = [0x80; 10]
        .iter()
        .chain(&[0x01])
        .copied()
        .collect::<Vec<u8>>();
    assert_eq!(
        decode_varint(&eleven_bytes),
        None,
        "{eleven_bytes:02x?} is longer than 10 bytes"
    );
    let too_big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
    assert_eq!(
        decode_varint(&too_big),
        None,
        "{too_big:02x?} needs 65 bits"
    );
}

#[test]
fn decode_agrees_with_prost_on_odd_input() {
    let mut random = Random::new(5);
    for _ in 0..10_000 {
        // Mostly continuation bytes, so that long, cut and overlong varints are common.
        let len = (random.next_u64() % 12) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| random.next_u64() as u8 | 0x80).collect();
        if !random.next_u64().is_multiple_of(4) {
            bytes.push(random.next_u64() as u8 & 0x03);
        }
        let prost = prost::encoding::decode_varint(&mut bytes.as_slice()).ok();
        let yours = decode_varint(&bytes).map(|(value, _)| value);
        assert_eq!(
            yours, prost,
            "decoding {bytes:02x?} (left: yours, right: prost's)"
        );
    }
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
