//! rpcx's 12-byte header, bit by bit (rpcx v1.6.2, `protocol/message.go`):
//!
//! | byte | what |
//! |---|---|
//! | 0 | the magic number `0x08` |
//! | 1 | the protocol version (0) |
//! | 2 | flags: bit 7 response, bit 6 heartbeat, bit 5 oneway, bits 4–2 compression, bits 1–0 status |
//! | 3 | the payload's serialize type in the high four bits |
//! | 4–11 | the sequence number, a big-endian `u64` |
//!
//! A header is parsed into named fields once, here; nothing else in the lesson touches a bit.

/// Every rpcx frame starts with this byte.
pub const MAGIC: u8 = 0x08;

/// The header's length.
pub const HEADER_LEN: usize = 12;

const RESPONSE: u8 = 0x80;
const HEARTBEAT: u8 = 0x40;
const ONEWAY: u8 = 0x20;
const COMPRESS_BITS: u8 = 0x1C;
const STATUS_BITS: u8 = 0x03;

// ANCHOR: header
/// The header's fields, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    pub version: u8,
    /// A response (rpcx's `MessageType` 1), or a request.
    pub response: bool,
    /// A heartbeat: the server answers it with its own payload, and calls nothing.
    pub heartbeat: bool,
    /// A request that wants no answer.
    pub oneway: bool,
    pub compress: Compress,
    /// The status `Error`: the call failed, and the metadata says why.
    pub error: bool,
    pub serialize: Serialize,
    /// Pairs a response with its request on a connection that carries many at once.
    pub seq: u64,
}
// ANCHOR_END: header

/// How the payload is compressed (rpcx's `CompressType`): bits 4–2 of the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compress {
    #[default]
    None = 0,
    Gzip = 1,
}

/// How the payload is written (rpcx's `SerializeType`): the high nibble of byte 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Serialize {
    /// Raw bytes, passed through.
    None = 0,
    Json = 1,
    Protobuf = 2,
    /// What rpcx's `client.DefaultOption` sends.
    #[default]
    MsgPack = 3,
}

// ANCHOR: errors
/// Why a frame could not be read. Each names what was wrong, for the peer and the log.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("wrong magic number {0:#04x}: an rpcx frame starts with 0x08")]
    WrongMagic(u8),
    #[error("the connection ended inside {0}")]
    Truncated(&'static str),
    #[error("a frame of {total} bytes is longer than the {max} this server reads")]
    TooLong { total: u32, max: u32 },
    #[error("{what} says {length} bytes, but only {left} are left in the frame")]
    PastTheEnd {
        what: &'static str,
        length: usize,
        left: usize,
    },
    #[error("{0} bytes after the payload: the lengths do not add up to the total")]
    TrailingBytes(usize),
    #[error("metadata key {0:?} has no value")]
    KeyWithoutValue(String),
    #[error("{0} is not UTF-8")]
    NotUtf8(&'static str),
    #[error("unknown compression type {0} (rpcx knows 0, none, and 1, gzip)")]
    UnknownCompress(u8),
    #[error("unknown serialize type {0} (rpcx knows 0 none, 1 JSON, 2 protobuf, 3 MsgPack)")]
    UnknownSerialize(u8),
    #[error("unknown status {0} (rpcx knows 0, normal, and 1, error)")]
    UnknownStatus(u8),
    #[error("the payload is not gzip: {0}")]
    NotGzip(String),
    #[error("the gzip payload inflates past {max} bytes")]
    InflatesTooFar { max: usize },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
// ANCHOR_END: errors

impl Header {
    /// A request with sequence number `seq`, in `serialize`.
    pub fn request(seq: u64, serialize: Serialize) -> Header {
        Header {
            seq,
            serialize,
            ..Header::default()
        }
    }

    /// The header of the answer to this request: the same sequence number, serialize and
    /// compression types, marked a response.
    pub fn answer(&self) -> Header {
        Header {
            response: true,
            ..*self
        }
    }

    // ANCHOR: to_bytes
    /// The header's 12 bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut flags = (self.compress as u8) << 2 & COMPRESS_BITS;
        flags |= u8::from(self.error);
        for (set, bit) in [
            (self.response, RESPONSE),
            (self.heartbeat, HEARTBEAT),
            (self.oneway, ONEWAY),
        ] {
            if set {
                flags |= bit;
            }
        }
        let mut bytes = [0u8; HEADER_LEN];
        bytes[0] = MAGIC;
        bytes[1] = self.version;
        bytes[2] = flags;
        bytes[3] = (self.serialize as u8) << 4;
        bytes[4..].copy_from_slice(&self.seq.to_be_bytes());
        bytes
    }
    // ANCHOR_END: to_bytes

    // ANCHOR: parse
    /// Reads 12 bytes whose first is [`MAGIC`]. rpcx defines two compression types, four
    /// serialize types (Thrift, its fifth, it cannot decode either) and two statuses;
    /// anything else is an error, never a guess.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Result<Header, FrameError> {
        let flags = bytes[2];
        let compress = match (flags & COMPRESS_BITS) >> 2 {
            0 => Compress::None,
            1 => Compress::Gzip,
            other => return Err(FrameError::UnknownCompress(other)),
        };
        let error = match flags & STATUS_BITS {
            0 => false,
            1 => true,
            other => return Err(FrameError::UnknownStatus(other)),
        };
        let serialize = match bytes[3] >> 4 {
            0 => Serialize::None,
            1 => Serialize::Json,
            2 => Serialize::Protobuf,
            3 => Serialize::MsgPack,
            other => return Err(FrameError::UnknownSerialize(other)),
        };
        Ok(Header {
            version: bytes[1],
            response: flags & RESPONSE != 0,
            heartbeat: flags & HEARTBEAT != 0,
            oneway: flags & ONEWAY != 0,
            compress,
            error,
            serialize,
            seq: u64::from_be_bytes(bytes[4..].try_into().expect("8 bytes")),
        })
    }
    // ANCHOR_END: parse
}
