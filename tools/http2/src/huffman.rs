//! HPACK's Huffman code (RFC 7541, section 5.2 and Appendix B).
//!
//! Header strings may be sent Huffman-coded: common characters in 5 or 6 bits, rare ones in
//! up to 30. Clients built on `h2` (tonic's) or on Go's HTTP/2 code it whenever it is
//! shorter, so a server must decode it.
//!
//! The code is *canonical*: codes of the same length are consecutive numbers in the order of
//! their symbols, and each length's first code follows from the previous length's last. So
//! the lengths alone define it, and that is all this file keeps: 257 numbers, one per byte
//! value and one for EOS (end of string, which must never appear in a string). From them,
//! at compile time, [`CANONICAL`] works out each length's first code and where its symbols
//! start in the list of symbols sorted by length.

/// The code length of each symbol, 0–255 and EOS (256), from RFC 7541, Appendix B.
const LENGTHS: [u8; 257] = [
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0–15
    28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16–31
    6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32–47
    5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48–63
    13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64–79
    7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80–95
    15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96–111
    6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112–127
    20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128–143
    24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144–159
    22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160–175
    21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176–191
    26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192–207
    19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208–223
    20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224–239
    26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240–255
    30, // 256: EOS
];

/// The longest code (EOS's).
const MAX_LEN: usize = 30;
const EOS: u16 = 256;

/// What decoding needs, derived from [`LENGTHS`]: for each length, its first code, how many
/// codes it has, and where its symbols start in `symbols` (sorted by length, then value).
struct Canonical {
    first: [u32; MAX_LEN + 1],
    count: [u32; MAX_LEN + 1],
    start: [u16; MAX_LEN + 1],
    symbols: [u16; 257],
}

const CANONICAL: Canonical = Canonical::from_lengths(&LENGTHS);

impl Canonical {
    const fn from_lengths(lengths: &[u8; 257]) -> Canonical {
        let mut count = [0u32; MAX_LEN + 1];
        let mut symbol = 0;
        while symbol < 257 {
            count[lengths[symbol] as usize] += 1;
            symbol += 1;
        }
        // Each length's codes follow the previous length's, shifted one bit left.
        let mut first = [0u32; MAX_LEN + 1];
        let mut start = [0u16; MAX_LEN + 1];
        let mut code = 0;
        let mut index = 0;
        let mut len = 1;
        while len <= MAX_LEN {
            code = (code + count[len - 1]) << 1;
            first[len] = code;
            start[len] = index;
            index += count[len] as u16;
            len += 1;
        }
        // The symbols, sorted by code length (and, within a length, by value).
        let mut symbols = [0u16; 257];
        let mut next = start;
        let mut symbol = 0;
        while symbol < 257 {
            let len = lengths[symbol] as usize;
            symbols[next[len] as usize] = symbol as u16;
            next[len] += 1;
            symbol += 1;
        }
        Canonical {
            first,
            count,
            start,
            symbols,
        }
    }
}

/// A Huffman-coded string that cannot be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid;

/// Decodes `coded`, appending the bytes to `out`. The last byte is padded with the high
/// bits of EOS (all ones); more than 7 bits of padding, padding that is not all ones, or
/// EOS itself are errors, as the RFC requires.
pub fn decode(coded: &[u8], out: &mut Vec<u8>) -> Result<(), Invalid> {
    let table = &CANONICAL;
    let mut code = 0u32;
    let mut len = 0usize;
    for byte in coded {
        for bit in (0..8).rev() {
            code = code << 1 | u32::from(byte >> bit & 1);
            len += 1;
            // Is `code` one of the codes of this length?
            let offset = code.wrapping_sub(table.first[len]);
            if offset < table.count[len] {
                let symbol = table.symbols[usize::from(table.start[len]) + offset as usize];
                if symbol == EOS {
                    return Err(Invalid);
                }
                out.push(symbol as u8);
                code = 0;
                len = 0;
            } else if len == MAX_LEN {
                return Err(Invalid);
            }
        }
    }
    // What is left must be padding: fewer than 8 bits, all ones.
    if len > 7 || code != (1 << len) - 1 {
        return Err(Invalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(coded: &[u8]) -> Result<String, Invalid> {
        let mut out = Vec::new();
        decode(coded, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// The Huffman-coded strings of RFC 7541's examples, C.4 and C.6.
    #[test]
    fn the_rfcs_examples_decode() {
        let examples: [(&[u8], &str); 6] = [
            (
                &[
                    0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff,
                ],
                "www.example.com",
            ),
            (&[0xa8, 0xeb, 0x10, 0x64, 0x9c, 0xbf], "no-cache"),
            (
                &[0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xa9, 0x7d, 0x7f],
                "custom-key",
            ),
            (
                &[0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xb8, 0xe8, 0xb4, 0xbf],
                "custom-value",
            ),
            (&[0x64, 0x02], "302"),
            (&[0xae, 0xc3, 0x77, 0x1a, 0x4b], "private"),
        ];
        for (coded, text) in examples {
            assert_eq!(decoded(coded).as_deref(), Ok(text));
        }
    }

    #[test]
    fn the_code_is_complete_and_prefix_free() {
        // Kraft's equality: a complete prefix code uses up exactly the whole code space.
        let space: u64 = LENGTHS
            .iter()
            .map(|&len| 1u64 << (MAX_LEN - usize::from(len)))
            .sum();
        assert_eq!(space, 1 << MAX_LEN);
        // And EOS is all ones, which is what makes padding with ones safe.
        let eos_len = usize::from(LENGTHS[256]);
        let eos = CANONICAL.first[eos_len] + (CANONICAL.count[eos_len] - 1);
        assert_eq!(eos, (1 << 30) - 1);
    }

    #[test]
    fn bad_padding_and_eos_are_refused() {
        // "a" is 00011 (5 bits): padding of 3 ones is right, of zeros is not.
        assert_eq!(decoded(&[0b0001_1111]).as_deref(), Ok("a"));
        assert_eq!(decoded(&[0b0001_1000]), Err(Invalid));
        // A whole byte of ones is 8 bits of padding: too many.
        assert_eq!(decoded(&[0b0001_1111, 0xff]), Err(Invalid));
        // EOS: 30 ones.
        assert_eq!(decoded(&[0xff, 0xff, 0xff, 0xfc]), Err(Invalid));
    }
}
