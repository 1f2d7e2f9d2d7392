//! Exercise `tcp.lines`: find the lines in a byte stream.
//!
//! TCP carries bytes, not messages. The sender wrote `"hello\nworld\n"`; the receiver's
//! `read` may return `"hel"`, then `"lo\nwor"`, then `"ld\n"` — or all of it at once. A
//! protocol therefore needs framing: a rule for where one message ends. Here a message is a
//! line ending in `\n`. The reader keeps a buffer of bytes read but not yet handed out.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt};

/// Reads `\n`-terminated lines from any byte stream, however the bytes arrive.
pub struct LineReader<R> {
    reader: R,
    /// Bytes read from `reader` that are not part of a returned line yet.
    buffer: Vec<u8>,
}

impl<R: AsyncRead + Unpin> LineReader<R> {
    pub fn new(reader: R) -> Self {
        LineReader {
            reader,
            buffer: Vec::new(),
        }
    }

    /// Returns the next line without its `\n`, or `None` at the end of the stream.
    ///
    /// - A line split over several reads is put together; several lines that came in one
    ///   read are returned one per call.
    /// - A last line without `\n` before the end of the stream is still a line.
    /// - A line that is not valid UTF-8 is an error of kind `InvalidData`.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        // TODO: return the next line as the doc comment says. Bytes read past the end of a
        //       line belong to the lines after it: none may be lost, or returned twice.
        todo!("return the next line from the buffer, reading more when there is none")
    }
}
