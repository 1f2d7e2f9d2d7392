//! rpcx's frame, read and written as rpcx v1.6.2 does (`protocol/message.go`): a 12-byte
//! header, then a `u32` total length and four sections, each with a `u32` length of its own —
//! the service path, the method, the metadata and the payload.
//!
//! rpcx's own `Decode` trusts every length it reads: a 4 GiB total is waited for, a path
//! longer than the message panics, a gzip bomb is inflated whole. Here every length is held
//! against what is left before anything is allocated or sliced, the total against
//! [`MAX_FRAME`], and an inflated payload against [`MAX_PAYLOAD`]: a frame either makes sense
//! or is a [`FrameError`] that says what was wrong.

use std::io::Read;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::header::{Compress, FrameError, HEADER_LEN, Header, MAGIC};

/// The largest total length (the bytes after the header's 16) this side reads: 1 MiB.
pub const MAX_FRAME: u32 = 1 << 20;

/// The largest payload once inflated: a compressed payload may not grow past this.
pub const MAX_PAYLOAD: usize = 4 << 20;

/// rpcx compresses a payload (when asked to) only past this many bytes, on both sides.
pub const GZIP_ABOVE: usize = 1024;

/// The metadata key under which rpcx sends a call's error (`protocol.ServiceError`).
pub const SERVICE_ERROR: &str = "__rpcx_error__";

// ANCHOR: message
/// One rpcx message: a request, or the response to one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    /// The service, `Arith`.
    pub service_path: String,
    /// The method, `Mul`.
    pub service_method: String,
    /// Key/value pairs, in the order they came (rpcx keeps them in a Go map).
    pub metadata: Vec<(String, String)>,
    /// The arguments or the reply, as the header's serialize type says, uncompressed.
    pub payload: Vec<u8>,
}
// ANCHOR_END: message

impl Message {
    /// The value of metadata `key`, when there is one.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The error the message carries (a response whose status is `Error`), if any.
    pub fn service_error(&self) -> Option<&str> {
        self.header.error.then(|| {
            self.meta(SERVICE_ERROR)
                .unwrap_or("(the answer names no error)")
        })
    }

    // ANCHOR: encode
    /// The message's bytes, its payload compressed as the header says.
    pub fn encode(&self) -> Vec<u8> {
        let payload = match self.header.compress {
            Compress::Gzip => gzip(&self.payload),
            Compress::None => self.payload.clone(),
        };
        let mut metadata = Vec::new();
        for (key, value) in &self.metadata {
            put_section(&mut metadata, key.as_bytes());
            put_section(&mut metadata, value.as_bytes());
        }
        let mut body = Vec::new();
        put_section(&mut body, self.service_path.as_bytes());
        put_section(&mut body, self.service_method.as_bytes());
        put_section(&mut body, &metadata);
        put_section(&mut body, &payload);

        let mut frame = Vec::with_capacity(HEADER_LEN + 4 + body.len());
        frame.extend_from_slice(&self.header.to_bytes());
        frame.extend_from_slice(&len32(&body).to_be_bytes());
        frame.extend_from_slice(&body);
        frame
    }
    // ANCHOR_END: encode
}

/// A section: its length as a big-endian `u32`, then its bytes.
fn put_section(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&len32(bytes).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// A length as the wire writes it. Nothing this side writes comes near 4 GiB: the frames
/// it builds are bounded like the ones it reads.
fn len32(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.len()).expect("a section under 4 GiB")
}

// ANCHOR: read
/// Reads one message; `Ok(None)` when the peer closed the connection between messages.
pub async fn read(reader: &mut (impl AsyncRead + Unpin)) -> Result<Option<Message>, FrameError> {
    let mut head = [0u8; HEADER_LEN + 4];
    // The first byte alone: an end of stream here is a clean close, and a wrong magic
    // number is told at once rather than after waiting for 15 more bytes.
    if reader.read(&mut head[..1]).await? == 0 {
        return Ok(None);
    }
    if head[0] != MAGIC {
        return Err(FrameError::WrongMagic(head[0]));
    }
    reader
        .read_exact(&mut head[1..])
        .await
        .map_err(truncated("the header"))?;
    let header = Header::parse(head[..HEADER_LEN].try_into().expect("12 bytes"))?;
    let total = u32::from_be_bytes(head[HEADER_LEN..].try_into().expect("4 bytes"));
    if total > MAX_FRAME {
        return Err(FrameError::TooLong {
            total,
            max: MAX_FRAME,
        });
    }
    let mut body = vec![0u8; total as usize];
    reader
        .read_exact(&mut body)
        .await
        .map_err(truncated("the body"))?;
    parse_body(header, &body).map(Some)
}
// ANCHOR_END: read

/// An end of stream inside a message is a truncated message; any other error is the
/// connection's.
fn truncated(what: &'static str) -> impl Fn(std::io::Error) -> FrameError {
    move |error| match error.kind() {
        std::io::ErrorKind::UnexpectedEof => FrameError::Truncated(what),
        _ => FrameError::Io(error),
    }
}

// ANCHOR: parse_body
/// The four sections of a body whose header is `header`.
fn parse_body(header: Header, body: &[u8]) -> Result<Message, FrameError> {
    let mut rest = body;
    let service_path = text(
        take_section(&mut rest, "the service path")?,
        "the service path",
    )?;
    let service_method = text(take_section(&mut rest, "the method")?, "the method")?;
    let metadata = parse_metadata(take_section(&mut rest, "the metadata")?)?;
    let payload = take_section(&mut rest, "the payload")?;
    if !rest.is_empty() {
        return Err(FrameError::TrailingBytes(rest.len()));
    }
    let payload = match header.compress {
        Compress::Gzip => gunzip(payload)?,
        Compress::None => payload.to_vec(),
    };
    Ok(Message {
        header,
        service_path,
        service_method,
        metadata,
        payload,
    })
}

/// Cuts one section off the front of `rest`: its length, then that many bytes — never more
/// than are left.
fn take_section<'a>(rest: &mut &'a [u8], what: &'static str) -> Result<&'a [u8], FrameError> {
    let Some((length, after)) = rest.split_first_chunk::<4>() else {
        return Err(FrameError::PastTheEnd {
            what,
            length: 4,
            left: rest.len(),
        });
    };
    let length = u32::from_be_bytes(*length) as usize;
    if length > after.len() {
        return Err(FrameError::PastTheEnd {
            what,
            length,
            left: after.len(),
        });
    }
    let (section, after) = after.split_at(length);
    *rest = after;
    Ok(section)
}
// ANCHOR_END: parse_body

/// Metadata: key, value, key, value … each a section of its own.
fn parse_metadata(mut rest: &[u8]) -> Result<Vec<(String, String)>, FrameError> {
    let mut pairs = Vec::new();
    while !rest.is_empty() {
        let key = text(take_section(&mut rest, "a metadata key")?, "a metadata key")?;
        if rest.is_empty() {
            return Err(FrameError::KeyWithoutValue(key));
        }
        let value = text(
            take_section(&mut rest, "a metadata value")?,
            "a metadata value",
        )?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn text(bytes: &[u8], what: &'static str) -> Result<String, FrameError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| FrameError::NotUtf8(what))
}

// ANCHOR: gunzip
/// A gzip payload inflated, but never past [`MAX_PAYLOAD`]: reading one byte more than the
/// limit is enough to know a payload is too big, without inflating the rest of a bomb.
fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut inflated = Vec::new();
    GzDecoder::new(compressed)
        .take(MAX_PAYLOAD as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|error| FrameError::NotGzip(error.to_string()))?;
    if inflated.len() > MAX_PAYLOAD {
        return Err(FrameError::InflatesTooFar { max: MAX_PAYLOAD });
    }
    Ok(inflated)
}
// ANCHOR_END: gunzip

fn gzip(payload: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(payload).expect("writing to a Vec");
    encoder.finish().expect("writing to a Vec")
}
