//! Exercise `protobuf.varint`: the two integer encodings under every protobuf number, the
//! other way round from the worked example.
//!
//! The worked example reads varints (`wire::read_varint`) and the chapter gives ZigZag's
//! formula one way. Here you write a varint, undo ZigZag, and read what a packed
//! `repeated sint64` field holds: its values, zigzagged, as varints back to back.

use crate::wire;

/// Appends `value` to `out` as a varint: 7 bits per byte, least significant group first,
/// the high bit of each byte set when more bytes follow.
pub fn encode_varint(value: u64, out: &mut Vec<u8>) {
    // TODO: append the varint of `value`, as few bytes as it takes: prost's bytes, exactly.
    todo!("encode a varint")
}

/// ZigZag: small negative numbers to small unsigned ones, 0 → 0, −1 → 1, 1 → 2, −2 → 3…,
/// so that an `sint64` of −1 is one byte instead of ten. The chapter's formula; given.
pub fn zigzag_encode(n: i64) -> u64 {
    // `n >> 63` copies the sign bit: all ones for a negative n, all zeros otherwise.
    ((n << 1) ^ (n >> 63)) as u64
}

/// The inverse of [`zigzag_encode`], for every `u64`.
pub fn zigzag_decode(n: u64) -> i64 {
    // TODO: undo zigzag_encode, for every u64 (there are 2^64 of them, and no overflow).
    todo!("zigzag-decode")
}

/// The values of a packed `repeated sint64` field, from its payload (the bytes after its
/// tag and length): zigzagged varints back to back, nothing between them, in order. An
/// empty payload is an empty list; a varint cut off or overlong anywhere makes the whole
/// payload `None`.
pub fn decode_packed_sint64(payload: &[u8]) -> Option<Vec<i64>> {
    // TODO: every value of the payload, or `None` as the doc comment says. Input from the
    //       network may be anything: no input may panic.
    todo!("read the values of a packed sint64 field")
}
