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
    // TODO: write one frame as the module's doc comment lays it out, or refuse it as the
    //       doc comment above says — before a single byte has gone.
    todo!("write the length, then the payload")
}

/// Reads one frame and returns its payload:
/// - `Ok(None)` if the stream ends before the first byte of a frame;
/// - `Err(FrameError::Truncated)` if it ends after that but before the frame is complete;
/// - `Err(FrameError::TooLarge { len })` if the length is over [`MAX_FRAME`] — decided from
///   the 4 length bytes alone, without reading or allocating the payload.
pub async fn read_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Result<Option<Vec<u8>>, FrameError> {
    // TODO: read one frame, telling the four outcomes of the module's doc comment apart. A
    //       frame may arrive one byte per read; a length of 4 GiB must cost no memory.
    todo!("read the length, check it, then read the payload")
}
