//! Exercise `rpc.frame`: a frame decoder that does no I/O.
//!
//! The worked example's `read_frame` reads from a socket itself. A decoder can also be
//! *fed*: the caller reads from wherever it likes (a socket, a file, a test's byte array, a
//! TLS layer) and hands over each piece as it comes; the decoder says whether a whole frame
//! is there yet. That is how tokio-util's codecs, hyper and most protocol libraries are
//! built ("sans-I/O"), and it is testable without a network.
//!
//! The frames are lesson 02's: a 4-byte big-endian length N, then N bytes of payload, N at
//! most [`MAX_FRAME`] (1 MiB). The pieces fed in may cut anywhere: inside the length,
//! inside the payload, or across several frames at once.

pub use crate::frame::{FrameError, MAX_FRAME};

/// Finds frames in the bytes fed to it, in order.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    /// Bytes fed in and not handed out yet as part of a frame.
    buffer: Vec<u8>,
}

impl FrameDecoder {
    pub fn new() -> FrameDecoder {
        FrameDecoder::default()
    }

    /// Adds `bytes`, the next piece of the stream, to what the decoder has seen.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole frame's payload, taken out of the decoder:
    /// - `Ok(Some(payload))` once every byte of the next frame has been fed (an empty
    ///   payload is a frame too);
    /// - `Ok(None)` while the next frame is not whole yet: feed more and ask again;
    /// - `Err(FrameError::TooLarge { len })` as soon as the 4 bytes of a length over
    ///   [`MAX_FRAME`] are in, whatever follows them, and without making room for `len`
    ///   bytes.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        // TODO: hand out the next frame as the doc comment says, or say that it is not
        //       whole yet. Bytes of the frames after it stay for the next calls.
        todo!("the next frame, when all of its bytes are in")
    }

    /// The stream has ended, and the whole frames have been taken out: `Ok(())` if it ended
    /// between two frames (every byte fed was handed out in a frame),
    /// `Err(FrameError::Truncated)` if it ended inside one (bytes of a frame not whole yet
    /// are left).
    pub fn finish(&self) -> Result<(), FrameError> {
        // TODO: tell the clean end from the end inside a frame.
        todo!("a clean end, or a truncated frame")
    }
}

/// The frame of `payload`: its length, then the payload. A payload over [`MAX_FRAME`] is
/// `FrameError::TooLarge`.
pub fn encode_frame(payload: &[u8]) -> Result<Vec<u8>, FrameError> {
    // TODO: the frame as the module's doc comment lays it out.
    todo!("the length, then the payload")
}
