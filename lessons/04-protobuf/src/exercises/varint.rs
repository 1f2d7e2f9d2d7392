//! Exercise `protobuf.varint`: the two integer encodings under every protobuf number.

/// Appends `value` to `out` as a varint: 7 bits per byte, least significant group first,
/// the high bit of each byte set when more bytes follow.
pub fn encode_varint(value: u64, out: &mut Vec<u8>) {
    // TODO: append the varint of `value`, as few bytes as it takes: prost's bytes, exactly.
    todo!("encode a varint")
}

/// The varint at the start of `bytes` and how many bytes it took, or `None` if `bytes`
/// does not start with a valid varint: empty, cut off before the last byte, longer than
/// 10 bytes, or a 10th byte above 1 (more than 64 bits).
pub fn decode_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    // TODO: the varint at the start of `bytes`, or `None` for each bad case above. Input
    // from the network may be anything: no input may panic.
    todo!("decode a varint")
}

/// ZigZag: small negative numbers to small unsigned ones, 0 → 0, −1 → 1, 1 → 2, −2 → 3…,
/// so that an `sint64` of −1 is one byte instead of ten.
pub fn zigzag_encode(n: i64) -> u64 {
    // TODO: the mapping above, for every i64 from i64::MIN to i64::MAX, with no overflow.
    todo!("zigzag-encode")
}

/// The inverse of [`zigzag_encode`].
pub fn zigzag_decode(n: u64) -> i64 {
    // TODO: undo zigzag_encode, for every u64.
    todo!("zigzag-decode")
}
