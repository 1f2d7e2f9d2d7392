//! Protobuf bytes read without a schema.
//!
//! On the wire a message is nothing but a list of fields. Each field is a *tag* — the field
//! number and a wire type packed into one varint — followed by a value whose shape the wire
//! type alone decides. That is enough to walk any message, skip the fields you do not know
//! and pick out the ones you do, which is exactly how an old program survives a newer
//! message. This module is that walk written out by hand; `inspect` prints it, and the
//! tests hold it against prost.
//!
//! Input is untrusted: every way bytes can be wrong is a [`WireError`], never a panic.

use std::fmt;

/// The largest field number a schema may use: 2^29 − 1, so that a tag fits in 32 bits.
pub const MAX_FIELD_NUMBER: u32 = (1 << 29) - 1;

/// A varint is at most 10 bytes: 64 bits, 7 to a byte.
pub const MAX_VARINT_LEN: usize = 10;

/// How a field's value is laid out: the low three bits of its tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireType {
    /// 0: a varint. int32, int64, uint32, uint64, sint32, sint64, bool, enum.
    Varint = 0,
    /// 1: eight bytes, little-endian. fixed64, sfixed64, double.
    I64 = 1,
    /// 2: a varint length, then that many bytes. string, bytes, messages, packed repeated.
    Len = 2,
    /// 5: four bytes, little-endian. fixed32, sfixed32, float.
    I32 = 5,
}

impl fmt::Display for WireType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WireType::Varint => "VARINT",
            WireType::I64 => "I64",
            WireType::Len => "LEN",
            WireType::I32 => "I32",
        })
    }
}

/// One field as it sits in the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'a> {
    /// Where the field's tag starts, counted from the start of the message.
    pub offset: usize,
    /// The field number from the schema (`string name = 1;` has number 1).
    pub number: u32,
    /// The value, read as far as the wire type allows without a schema.
    pub value: Value<'a>,
    /// The whole field as it was encoded: tag, length if any, value.
    pub encoded: &'a [u8],
}

/// A field's value as the wire type gives it. Which Rust type it was (an `i32`, a `bool`, a
/// nested message…) only the schema knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    I64(u64),
    Len(&'a [u8]),
    I32(u32),
}

impl Value<'_> {
    pub fn wire_type(&self) -> WireType {
        match self {
            Value::Varint(_) => WireType::Varint,
            Value::I64(_) => WireType::I64,
            Value::Len(_) => WireType::Len,
            Value::I32(_) => WireType::I32,
        }
    }
}

/// Why a tag is not a valid field key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagError {
    /// Field numbers start at 1.
    FieldNumberZero,
    /// Above [`MAX_FIELD_NUMBER`].
    FieldNumberTooLarge(u64),
    /// Wire types 3 and 4 start and end a proto2 *group*, long deprecated.
    Group(u8),
    /// Wire types 6 and 7 were never assigned.
    UnknownWireType(u8),
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TagError::FieldNumberZero => write!(f, "field number 0 is not allowed"),
            TagError::FieldNumberTooLarge(n) => {
                write!(
                    f,
                    "field number {n} is above the maximum {MAX_FIELD_NUMBER}"
                )
            }
            TagError::Group(t) => write!(f, "wire type {t} is a proto2 group, not supported"),
            TagError::UnknownWireType(t) => write!(f, "wire type {t} does not exist"),
        }
    }
}

/// Why bytes are not a protobuf message. `offset` is where the bad part starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The input ends in the middle of a varint.
    TruncatedVarint { offset: usize },
    /// A varint longer than 10 bytes, or too big for 64 bits.
    VarintTooLong { offset: usize },
    /// A tag with a field number or wire type that cannot be.
    BadTag { offset: usize, error: TagError },
    /// A length or a fixed-size value that runs past the end of the input.
    PastTheEnd {
        offset: usize,
        needed: u64,
        left: usize,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::TruncatedVarint { offset } => {
                write!(f, "at byte {offset}: the input ends inside a varint")
            }
            WireError::VarintTooLong { offset } => {
                write!(f, "at byte {offset}: a varint longer than 64 bits")
            }
            WireError::BadTag { offset, error } => write!(f, "at byte {offset}: {error}"),
            WireError::PastTheEnd {
                offset,
                needed,
                left,
            } => write!(
                f,
                "at byte {offset}: the field needs {needed} bytes but only {left} are left"
            ),
        }
    }
}

impl std::error::Error for WireError {}

// ANCHOR: read_varint
/// Reads the varint at `*pos` and moves `*pos` past it.
///
/// A varint stores 7 bits per byte, least significant group first; the high bit of each
/// byte says "more bytes follow". 300 = 0b10_0101100 is `ac 02`: `0101100` with the
/// high bit set, then `10`.
pub fn read_varint(bytes: &[u8], pos: &mut usize) -> Result<u64, WireError> {
    let offset = *pos;
    let rest = bytes.get(offset..).unwrap_or_default();
    let mut value = 0u64;
    for (i, &byte) in rest.iter().take(MAX_VARINT_LEN).enumerate() {
        // The tenth byte holds only the 64th bit; anything more would overflow.
        if i == MAX_VARINT_LEN - 1 && byte > 1 {
            return Err(WireError::VarintTooLong { offset });
        }
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            *pos = offset + i + 1;
            return Ok(value);
        }
    }
    if rest.len() >= MAX_VARINT_LEN {
        Err(WireError::VarintTooLong { offset })
    } else {
        Err(WireError::TruncatedVarint { offset })
    }
}
// ANCHOR_END: read_varint

// ANCHOR: split_tag
/// Splits a tag into its field number (the high bits) and wire type (the low three).
pub fn split_tag(tag: u64) -> Result<(u32, WireType), TagError> {
    let number = tag >> 3;
    if number == 0 {
        return Err(TagError::FieldNumberZero);
    }
    if number > u64::from(MAX_FIELD_NUMBER) {
        return Err(TagError::FieldNumberTooLarge(number));
    }
    let wire_type = match tag & 0b111 {
        0 => WireType::Varint,
        1 => WireType::I64,
        2 => WireType::Len,
        5 => WireType::I32,
        group @ (3 | 4) => return Err(TagError::Group(group as u8)),
        unknown => return Err(TagError::UnknownWireType(unknown as u8)),
    };
    Ok((number as u32, wire_type))
}
// ANCHOR_END: split_tag

/// The fields of `message`, in the order they were written. After an error the iterator
/// stops, so everything before the bad part is still readable.
pub fn fields(message: &[u8]) -> Fields<'_> {
    Fields {
        message,
        pos: 0,
        failed: false,
    }
}

/// The iterator [`fields`] returns.
pub struct Fields<'a> {
    message: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<Field<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos == self.message.len() {
            return None;
        }
        let field = self.read_field();
        self.failed = field.is_err();
        Some(field)
    }
}

impl<'a> Fields<'a> {
    // ANCHOR: read_field
    fn read_field(&mut self) -> Result<Field<'a>, WireError> {
        let offset = self.pos;
        let tag = read_varint(self.message, &mut self.pos)?;
        let (number, wire_type) =
            split_tag(tag).map_err(|error| WireError::BadTag { offset, error })?;
        let value = match wire_type {
            WireType::Varint => Value::Varint(read_varint(self.message, &mut self.pos)?),
            WireType::I64 => Value::I64(u64::from_le_bytes(self.take_array()?)),
            WireType::Len => {
                let len = read_varint(self.message, &mut self.pos)?;
                Value::Len(self.take(len)?)
            }
            WireType::I32 => Value::I32(u32::from_le_bytes(self.take_array()?)),
        };
        let encoded = &self.message[offset..self.pos];
        Ok(Field {
            offset,
            number,
            value,
            encoded,
        })
    }
    // ANCHOR_END: read_field

    /// The next `len` bytes, if there are that many: a length read off the wire is a
    /// claim, not a fact.
    fn take(&mut self, len: u64) -> Result<&'a [u8], WireError> {
        let rest = &self.message[self.pos..];
        let past_the_end = WireError::PastTheEnd {
            offset: self.pos,
            needed: len,
            left: rest.len(),
        };
        let len = usize::try_from(len).map_err(|_| past_the_end)?;
        let taken = rest.get(..len).ok_or(past_the_end)?;
        self.pos += len;
        Ok(taken)
    }

    /// The next `N` bytes as an array, for the fixed-size wire types.
    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let rest = &self.message[self.pos..];
        let array = *rest.first_chunk::<N>().ok_or(WireError::PastTheEnd {
            offset: self.pos,
            needed: N as u64,
            left: rest.len(),
        })?;
        self.pos += N;
        Ok(array)
    }
}
