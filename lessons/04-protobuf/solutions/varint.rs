//! Exercise `protobuf.varint`: the two integer encodings under every protobuf number.

/// Appends `value` to `out` as a varint: 7 bits per byte, least significant group first,
/// the high bit of each byte set when more bytes follow.
pub fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The varint at the start of `bytes` and how many bytes it took, or `None` if `bytes`
/// does not start with a valid varint: empty, cut off before the last byte, longer than
/// 10 bytes, or a 10th byte above 1 (more than 64 bits).
pub fn decode_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().take(10).enumerate() {
        if i == 9 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// ZigZag: small negative numbers to small unsigned ones, 0 → 0, −1 → 1, 1 → 2, −2 → 3…,
/// so that an `sint64` of −1 is one byte instead of ten.
pub fn zigzag_encode(n: i64) -> u64 {
    // `n >> 63` is all ones for a negative n, all zeros otherwise.
    ((n << 1) ^ (n >> 63)) as u64
}

/// The inverse of [`zigzag_encode`].
pub fn zigzag_decode(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}
