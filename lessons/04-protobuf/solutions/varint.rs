//! Exercise `protobuf.varint`: the two integer encodings under every protobuf number, the
//! other way round from the worked example.
//!
//! The worked example reads varints (`wire::read_varint`) and the chapter gives ZigZag's
//! formula one way. Here you write a varint, undo ZigZag, and read what a packed
//! `repeated sint64` field holds: its values, zigzagged, as varints back to back.

use crate::wire;

/// Appends `value` to `out` as a varint: 7 bits per byte, least significant group first,
/// the high bit of each byte set when more bytes follow.
pub fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// ZigZag: small negative numbers to small unsigned ones, 0 → 0, −1 → 1, 1 → 2, −2 → 3…,
/// so that an `sint64` of −1 is one byte instead of ten. The chapter's formula; given.
pub fn zigzag_encode(n: i64) -> u64 {
    // `n >> 63` copies the sign bit: all ones for a negative n, all zeros otherwise.
    ((n << 1) ^ (n >> 63)) as u64
}

/// The inverse of [`zigzag_encode`], for every `u64`.
pub fn zigzag_decode(n: u64) -> i64 {
    // The low bit is the sign: 0 keeps the rest as it is, 1 flips every bit of it.
    let magnitude = (n >> 1) as i64;
    let sign = (n & 1) as i64;
    magnitude ^ -sign
}

/// The values of a packed `repeated sint64` field, from its payload (the bytes after its
/// tag and length): zigzagged varints back to back, nothing between them, in order. An
/// empty payload is an empty list; a varint cut off or overlong anywhere makes the whole
/// payload `None`.
pub fn decode_packed_sint64(payload: &[u8]) -> Option<Vec<i64>> {
    let mut values = Vec::new();
    let mut at = 0;
    // The payload's end is the list's end: no count, no terminator.
    while at < payload.len() {
        let zigzagged = wire::read_varint(payload, &mut at).ok()?;
        values.push(zigzag_decode(zigzagged));
    }
    Some(values)
}
