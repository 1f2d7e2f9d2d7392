//! Exercise `rpc.frame`: the frame codec.
//!
//! A frame is a 4-byte big-endian length N, then N bytes of payload, N at most
//! [`MAX_FRAME`] (1 MiB). Reading has four outcomes, and a server needs all of them told
//! apart: a whole frame; a clean end of the stream *between* frames (the client is done);
//! a stream that ends *inside* a frame (truncated: the client went away mid-message); and a
//! length over the limit, refused before a single byte of room is allocated for it.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub use crate::frame::{FrameError, MAX_FRAME};

/// Writes `payload` as one frame. A payload over [`MAX_FRAME`] is `FrameError::TooLarge`
/// and nothing is written.
pub async fn write_frame<W: AsyncWrite + Unpin>(
    writer: &mut W,
    payload: &[u8],
) -> Result<(), FrameError> {
    if payload.len() > MAX_FRAME {
        return Err(FrameError::TooLarge { len: payload.len() });
    }
    let len = payload.len() as u32; // fits: MAX_FRAME < u32::MAX
    writer.write_all(&len.to_be_bytes()).await?;
    writer.write_all(payload).await?;
    Ok(())
}

/// Reads one frame and returns its payload:
/// - `Ok(None)` if the stream ends before the first byte of a frame;
/// - `Err(FrameError::Truncated)` if it ends after that but before the frame is complete;
/// - `Err(FrameError::TooLarge { len })` if the length is over [`MAX_FRAME`] — decided from
///   the 4 length bytes alone, without reading or allocating the payload.
pub async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Option<Vec<u8>>, FrameError> {
    let mut length = [0u8; 4];
    let mut filled = 0;
    while filled < length.len() {
        let n = reader.read(&mut length[filled..]).await?;
        if n == 0 {
            return if filled == 0 {
                Ok(None)
            } else {
                Err(FrameError::Truncated)
            };
        }
        filled += n;
    }
    let len = u32::from_be_bytes(length) as usize;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge { len });
    }
    let mut payload = vec![0; len];
    reader
        .read_exact(&mut payload)
        .await
        .map_err(|error| match error.kind() {
            io::ErrorKind::UnexpectedEof => FrameError::Truncated,
            _ => FrameError::Io(error),
        })?;
    Ok(Some(payload))
}
