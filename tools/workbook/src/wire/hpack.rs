//! HPACK: how HTTP/2 sends headers (RFC 7541). Each side keeps a table of headers it has
//! seen, so a header sent before costs one byte the next time (`0x83` is `:method: POST`
//! from the static table). The decoding itself is `loona-hpack`'s; this module finds where
//! each header's bytes start and end, so the view can point at them, and feeds them to the
//! decoder one representation at a time.

use std::borrow::Cow;

use super::message::{Message, printable};

/// One side's HPACK state: its dynamic table lives in the decoder.
pub struct HeaderDecoder {
    decoder: loona_hpack::Decoder<'static>,
}

/// One decoded header and where its bytes are in the block.
pub struct Header {
    pub name: String,
    pub value: String,
}

impl HeaderDecoder {
    pub fn new() -> HeaderDecoder {
        HeaderDecoder {
            decoder: loona_hpack::Decoder::new(),
        }
    }

    /// Decodes a whole header block, which starts at `offset` in `message` (with every
    /// CONTINUATION's fragment appended), adding a span per header. An error leaves the
    /// table unusable for the rest of the connection, as it does for the peers.
    pub fn decode(
        &mut self,
        block: &[u8],
        offset: usize,
        message: &mut Message,
    ) -> Result<Vec<Header>, String> {
        let mut headers = Vec::new();
        let mut start = 0;
        while start < block.len() {
            let (end, kind) = representation_end(block, start)?;
            let mut decoded = Vec::new();
            self.decoder
                .decode_with_cb(&block[start..end], |name: Cow<[u8]>, value: Cow<[u8]>| {
                    decoded.push(Header {
                        name: String::from_utf8_lossy(&name).into_owned(),
                        value: String::from_utf8_lossy(&value).into_owned(),
                    })
                })
                .map_err(|error| format!("HPACK: {error}"))?;
            let shown: Vec<String> = decoded
                .iter()
                .map(|h| format!("{}: {}", h.name, printable(h.value.as_bytes(), 60)))
                .collect();
            message.span(
                offset + start,
                offset + end,
                format!("HPACK {kind} → {}", shown.join(", ")),
            );
            headers.extend(decoded);
            start = end;
        }
        Ok(headers)
    }
}

/// Where the header representation starting at `start` ends, and what kind it is. A table
/// size update is taken together with the representation after it (it never stands alone
/// at the end of a block).
fn representation_end(block: &[u8], start: usize) -> Result<(usize, &'static str), String> {
    let first = block[start];
    let (prefix_bits, kind, literal) = if first & 0x80 != 0 {
        (7, "indexed (from the table)", false)
    } else if first & 0x40 != 0 {
        (6, "literal, added to the table", true)
    } else if first & 0x20 != 0 {
        let after = start + integer(block, start, 5)?;
        if after >= block.len() {
            return Err("HPACK: a table size update at the end of a block".into());
        }
        return representation_end(block, after);
    } else if first & 0x10 != 0 {
        (4, "literal, never indexed", true)
    } else {
        (4, "literal, not added to the table", true)
    };
    let index_bytes = integer(block, start, prefix_bits)?;
    let mut end = start + index_bytes;
    if literal {
        // An index of 0 means the name follows as a string too.
        let name_is_literal = first & ((1 << prefix_bits) - 1) == 0;
        if name_is_literal {
            end = string_end(block, end)?;
        }
        end = string_end(block, end)?;
    }
    Ok((end, kind))
}

/// How many bytes an HPACK integer with an `n`-bit prefix takes at `at`.
fn integer(block: &[u8], at: usize, prefix_bits: u32) -> Result<usize, String> {
    let max = (1u8 << prefix_bits) - 1;
    let first = *block.get(at).ok_or("HPACK: cut short")?;
    if first & max < max {
        return Ok(1);
    }
    for (index, byte) in block[at + 1..].iter().enumerate().take(5) {
        if byte & 0x80 == 0 {
            return Ok(index + 2);
        }
    }
    Err("HPACK: an integer that does not end".into())
}

/// Where the string (a length with an H bit, then the bytes) at `at` ends.
fn string_end(block: &[u8], at: usize) -> Result<usize, String> {
    let len_bytes = integer(block, at, 7)?;
    let mut len = usize::from(block[at] & 0x7f);
    if len == 0x7f {
        len = 0x7f;
        for (index, byte) in block[at + 1..at + len_bytes].iter().enumerate() {
            len += usize::from(byte & 0x7f) << (7 * index);
        }
    }
    let end = at + len_bytes + len;
    if end > block.len() {
        return Err("HPACK: a string longer than its block".into());
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_header_gets_its_bytes() {
        // RFC 7541, C.3.1: `:method: GET`, `:scheme: http`, `:path: /`, then a literal
        // `:authority: www.example.com` added to the table.
        let block = b"\x82\x86\x84\x41\x0fwww.example.com";
        let mut decoder = HeaderDecoder::new();
        let mut message = Message::default();
        let headers = decoder.decode(block, 9, &mut message).unwrap();
        assert_eq!(headers.len(), 4);
        assert_eq!(headers[3].name, ":authority");
        assert_eq!(headers[3].value, "www.example.com");
        assert_eq!(
            message.spans[0].label,
            "HPACK indexed (from the table) → :method: GET"
        );
        assert_eq!((message.spans[3].start, message.spans[3].end), (12, 29));

        // The next block finds `:authority` in the dynamic table (index 62).
        let mut message = Message::default();
        let headers = decoder.decode(b"\xbe", 0, &mut message).unwrap();
        assert_eq!(headers[0].value, "www.example.com");
    }

    #[test]
    fn broken_blocks_are_errors() {
        let mut message = Message::default();
        assert!(
            HeaderDecoder::new()
                .decode(b"\x41\x7f", 0, &mut message)
                .is_err()
        );
        assert!(
            HeaderDecoder::new()
                .decode(b"\xff\xff\xff", 0, &mut message)
                .is_err()
        );
        assert!(
            HeaderDecoder::new()
                .decode(b"\x20", 0, &mut message)
                .is_err()
        );
    }
}
