//! Frames: where one message ends and the next begins.
//!
//! TCP delivers a stream of bytes; it does not know where a message ends. Lesson 01 ended
//! messages with `\n`. JSON may contain newlines, so here each message is prefixed with its
//! length: four bytes, big-endian (network order), then that many bytes of JSON. Knowing the
//! length up front also lets the reader refuse a frame that is too large *before* reading
//! it — or allocating room for it.
//!
//! ```text
//! ┌──────────────┬───────────────────────────────┐
//! │ length N: u32│ N bytes of UTF-8 JSON         │
//! │ big-endian   │ {"id":1,"method":...}         │
//! └──────────────┴───────────────────────────────┘
//! ```

use std::io;

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The largest payload a frame may carry: 1 MiB.
pub const MAX_FRAME: usize = 1024 * 1024;

/// What can go wrong with a frame.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The length says more than [`MAX_FRAME`] bytes.
    #[error("a frame of {len} bytes is over the limit of {MAX_FRAME} bytes")]
    TooLarge { len: usize },
    /// The stream ended in the middle of a frame (its length or its payload).
    #[error("the connection closed in the middle of a frame")]
    Truncated,
    /// The socket failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

// ANCHOR: read_frame
/// Reads one frame and returns its payload, or `None` if the stream ended cleanly between
/// two frames.
pub async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Option<Vec<u8>>, FrameError> {
    // The length, byte by byte as it arrives: EOF before its first byte is a clean end,
    // EOF after it is a truncated frame.
    let mut header = [0u8; 4];
    let mut filled = 0;
    while filled < header.len() {
        match reader.read(&mut header[filled..]).await? {
            0 if filled == 0 => return Ok(None),
            0 => return Err(FrameError::Truncated),
            n => filled += n,
        }
    }
    let len = u32::from_be_bytes(header) as usize;
    // Check before allocating: a bad (or hostile) length must not cost us 4 GiB.
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge { len });
    }
    let mut payload = vec![0; len];
    match reader.read_exact(&mut payload).await {
        Ok(_) => Ok(Some(payload)),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Err(FrameError::Truncated),
        Err(error) => Err(error.into()),
    }
}
// ANCHOR_END: read_frame

// ANCHOR: write_frame
/// Writes one frame: the payload's length, then the payload. With a `BufWriter` underneath
/// both parts leave in one packet; call `flush` when you have nothing more to send.
pub async fn write_frame<W: AsyncWrite + Unpin>(
    writer: &mut W,
    payload: &[u8],
) -> Result<(), FrameError> {
    if payload.len() > MAX_FRAME {
        return Err(FrameError::TooLarge { len: payload.len() });
    }
    writer
        .write_all(&(payload.len() as u32).to_be_bytes())
        .await?;
    writer.write_all(payload).await?;
    Ok(())
}
// ANCHOR_END: write_frame

// ANCHOR: encode
/// Serializes `message` as JSON straight into a complete frame (length and payload in one
/// buffer), ready to be written with a single `write_all`.
pub fn encode(message: &impl Serialize) -> Result<Vec<u8>, FrameError> {
    let mut frame = vec![0; 4]; // room for the length, filled in below
    serde_json::to_writer(&mut frame, message).map_err(io::Error::from)?;
    let len = frame.len() - 4;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge { len });
    }
    frame[..4].copy_from_slice(&(len as u32).to_be_bytes());
    Ok(frame)
}
// ANCHOR_END: encode
