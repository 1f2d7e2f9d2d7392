//! HPACK, HTTP/2's header compression (RFC 7541).
//!
//! Headers are sent as a list of *representations*, each one of:
//!
//! ```text
//! 1xxxxxxx                    indexed: the whole header is entry x of the table
//! 01xxxxxx [name] value       literal, and the receiver adds it to its table
//! 0000xxxx [name] value       literal, not added
//! 0001xxxx [name] value       literal, never to be added (by proxies either)
//! 001xxxxx                    the table's size changes to x
//! ```
//!
//! where x is an index (0: the name follows as a string) and the table is the 61-entry
//! *static* table of common headers followed by a *dynamic* table of headers this
//! connection has sent with "add". Each side of a connection keeps its own dynamic table
//! for what it receives, in step with the sender's, so a header sent once costs one byte
//! after that: `0x83` is `:method: POST`, `0xbe` the newest entry of the dynamic table.
//!
//! The [`Decoder`] keeps that table for one direction of one connection. Every header
//! block must go through it, in order, even one the receiver means to refuse: skipping a
//! block would leave the table out of step. Its limits come from the receiver's settings:
//! the table never outgrows the size the receiver announced, and strings can be no longer
//! than the block that carries them, so a peer cannot make it hold more than it sent.
//! [`Decoder::decode`] gives the headers; [`Decoder::decode_each`] gives each
//! representation with its bytes, for a view that points at them (the runner's `wire`).
//!
//! A sender that never asks the receiver to "add" needs no table at all: the `put_*`
//! functions write such representations, for replies whose headers are the same every time.

use std::fmt;
use std::ops::Range;

use super::huffman;

mod put;
mod static_table;
mod table;
pub use put::{put_added, put_indexed, put_literal, put_with_name_index};
use static_table::STATIC;
use table::Table;

/// The table size both sides start with, until SETTINGS_HEADER_TABLE_SIZE says otherwise.
pub const DEFAULT_TABLE_SIZE: usize = 4096;

/// What each header counts towards a header list's size, beyond its name and value
/// (RFC 7541, section 4.1): the same 32 bytes for SETTINGS_MAX_HEADER_LIST_SIZE.
pub const ENTRY_OVERHEAD: usize = 32;

/// Static indexes a sender uses (their entries above).
pub mod index {
    pub const METHOD_POST: usize = 3;
    pub const PATH: usize = 4;
    pub const SCHEME_HTTP: usize = 6;
    pub const STATUS_200: usize = 8;
    pub const CONTENT_TYPE: usize = 31;
    /// The first entry of the dynamic table: the one added last.
    pub const FIRST_DYNAMIC: usize = 62;
}

/// Why a header block could not be decoded. Every one of them is a COMPRESSION_ERROR for
/// the whole connection: after it, the two tables are no longer in step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The block ends in the middle of a representation.
    Truncated,
    /// An index that is in neither table.
    NoSuchEntry(usize),
    /// An integer too large to be a length or an index.
    Overflow,
    /// A Huffman-coded string that does not decode.
    Huffman,
    /// A table size update larger than the receiver allowed, or after the first header.
    TableSize(usize),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => write!(f, "the header block ends mid-header"),
            Error::NoSuchEntry(index) => {
                write!(f, "header table index {index} is not in the table")
            }
            Error::Overflow => write!(f, "an integer in the header block is too large"),
            Error::Huffman => write!(f, "a Huffman-coded string does not decode"),
            Error::TableSize(size) => write!(
                f,
                "a header table size update to {size} is not allowed here"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Decodes the header blocks of one direction of a connection, keeping its dynamic table.
#[derive(Debug)]
pub struct Decoder {
    table: Table,
    /// The most the sender may make the table: our SETTINGS_HEADER_TABLE_SIZE.
    allowed_size: usize,
    /// Where Huffman-coded names and values are decoded, reused from block to block.
    name: Vec<u8>,
    value: Vec<u8>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new(DEFAULT_TABLE_SIZE)
    }
}

impl Decoder {
    /// A decoder for a receiver that announced a table of `allowed_size` bytes.
    pub fn new(allowed_size: usize) -> Decoder {
        Decoder {
            table: Table {
                max_size: allowed_size,
                ..Table::default()
            },
            allowed_size,
            name: Vec::new(),
            value: Vec::new(),
        }
    }

    /// The receiver announced a new SETTINGS_HEADER_TABLE_SIZE: the sender may now make the
    /// table this large, with a table size update.
    pub fn allow(&mut self, allowed_size: usize) {
        self.allowed_size = allowed_size;
    }

    /// Decodes one whole header block (HEADERS and its CONTINUATIONs, joined), calling
    /// `header(name, value)` for each header in order. On an error the decoder is of no
    /// further use: the connection must end.
    pub fn decode(
        &mut self,
        block: &[u8],
        mut header: impl FnMut(&[u8], &[u8]),
    ) -> Result<(), Error> {
        self.decode_each(block, |decoded| {
            if let Some((name, value)) = decoded.header {
                header(name, value);
            }
        })
    }

    // ANCHOR: decode
    /// Decodes a header block one representation at a time, telling `each` what the
    /// representation was, where its bytes are in the block, and the header it gives.
    pub fn decode_each(
        &mut self,
        block: &[u8],
        mut each: impl FnMut(Decoded<'_>),
    ) -> Result<(), Error> {
        let mut rest = block;
        let mut first = true;
        while let Some(&byte) = rest.first() {
            // The bytes a representation took: from `start` to what is left after it.
            let start = block.len() - rest.len();
            let taken = |rest: &[u8]| start..block.len() - rest.len();
            if byte & 0x80 != 0 {
                // Indexed: the whole header is a table entry.
                let index = integer(&mut rest, 7)?;
                let header = entry(&self.table, index)?;
                each(Decoded {
                    representation: Representation::Indexed,
                    bytes: taken(rest),
                    header: Some(header),
                });
            } else if byte & 0xe0 == 0x20 {
                // A table size update: only before the first header.
                let size = integer(&mut rest, 5)?;
                if !first || size > self.allowed_size {
                    return Err(Error::TableSize(size));
                }
                self.table.resize(size);
                each(Decoded {
                    representation: Representation::SizeUpdate(size),
                    bytes: taken(rest),
                    header: None,
                });
                continue;
            } else {
                // A literal: 01 adds it to the table (6-bit index), 0000 and 0001 do not (4).
                let (representation, prefix_bits) = match byte & 0xf0 {
                    0x00 => (Representation::NotAdded, 4),
                    0x10 => (Representation::NeverAdded, 4),
                    _ => (Representation::Added, 6),
                };
                let index = integer(&mut rest, prefix_bits)?;
                let Decoder {
                    table, name, value, ..
                } = self;
                let name: &[u8] = if index == 0 {
                    string(&mut rest, name)?
                } else {
                    let (entry_name, _) = entry(table, index)?;
                    name.clear();
                    name.extend_from_slice(entry_name);
                    name
                };
                let value = string(&mut rest, value)?;
                each(Decoded {
                    representation,
                    bytes: taken(rest),
                    header: Some((name, value)),
                });
                if representation == Representation::Added {
                    table.add(name, value);
                }
            }
            first = false;
        }
        Ok(())
    }
    // ANCHOR_END: decode
}

/// What one representation of a header block says to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Representation {
    /// `1xxxxxxx`: the header is a table entry.
    Indexed,
    /// `01xxxxxx`: a literal header, which the receiver adds to its table.
    Added,
    /// `0000xxxx`: a literal header, not added.
    NotAdded,
    /// `0001xxxx`: a literal header, never to be added, by whoever passes it on either.
    NeverAdded,
    /// `001xxxxx`: the table's size changes to this many bytes.
    SizeUpdate(usize),
}

/// One representation, decoded.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub representation: Representation,
    /// Where the representation's bytes are in the block.
    pub bytes: Range<usize>,
    /// The header it gives (name, value); none for a table size update.
    pub header: Option<(&'a [u8], &'a [u8])>,
}

/// Entry `index` of the static table followed by `table`.
fn entry(table: &Table, index: usize) -> Result<(&[u8], &[u8]), Error> {
    match index {
        0 => Err(Error::NoSuchEntry(0)),
        1..=61 => {
            let (name, value) = STATIC[index - 1];
            Ok((name.as_bytes(), value.as_bytes()))
        }
        _ => table.get(index - 62).ok_or(Error::NoSuchEntry(index)),
    }
}

/// Reads an integer with an N-bit prefix (section 5.1): the low N bits of the first byte,
/// or, if they are all ones, that plus 7 bits from each following byte while its top bit
/// is set. Anything over 2²⁸ is refused: no index or length is that large.
fn integer(rest: &mut &[u8], prefix_bits: u32) -> Result<usize, Error> {
    let (&first, mut tail) = rest.split_first().ok_or(Error::Truncated)?;
    let mask = (1usize << prefix_bits) - 1;
    let mut value = usize::from(first) & mask;
    if value == mask {
        let mut shift = 0;
        loop {
            let (&byte, after) = tail.split_first().ok_or(Error::Truncated)?;
            tail = after;
            value += usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
            if shift > 21 {
                return Err(Error::Overflow);
            }
        }
    }
    *rest = tail;
    Ok(value)
}

/// Reads a string (section 5.2): a length with a 7-bit prefix whose top bit says "Huffman",
/// then the bytes. Plain strings are borrowed from the block; Huffman-coded ones are
/// decoded into `decoded`.
fn string<'o, 'b: 'o, 'c: 'o>(
    rest: &mut &'b [u8],
    decoded: &'c mut Vec<u8>,
) -> Result<&'o [u8], Error> {
    let huffman = rest.first().ok_or(Error::Truncated)? & 0x80 != 0;
    let len = integer(rest, 7)?;
    if len > rest.len() {
        return Err(Error::Truncated);
    }
    let (bytes, tail) = rest.split_at(len);
    *rest = tail;
    if !huffman {
        return Ok(bytes);
    }
    decoded.clear();
    huffman::decode(bytes, decoded).map_err(|_| Error::Huffman)?;
    Ok(decoded)
}

#[cfg(test)]
mod tests;
