//! HPACK: how HTTP/2 sends headers (RFC 7541). Each side keeps a table of headers it has
//! seen, so a header sent before costs one byte the next time (`0x83` is `:method: POST`
//! from the static table). The decoding is `http2::hpack`'s, the same the course's
//! fast server and load generator use; it tells each representation with its bytes, so the
//! view can point at them.

use http2::hpack::{self, Representation};

use super::message::{Message, printable};

/// One side's HPACK state: its dynamic table lives in the decoder.
#[derive(Default)]
pub struct HeaderDecoder {
    decoder: hpack::Decoder,
}

/// One decoded header.
pub struct Header {
    pub name: String,
    pub value: String,
}

impl HeaderDecoder {
    /// The receiver announced SETTINGS_HEADER_TABLE_SIZE: the sender may grow the table.
    pub fn allow(&mut self, table_size: usize) {
        self.decoder.allow(table_size);
    }

    /// Decodes a whole header block, which starts at `offset` in `message` (with every
    /// CONTINUATION's fragment appended), adding a span per header. A table size update is
    /// shown together with the representation after it. An error leaves the table unusable
    /// for the rest of the connection, as it does for the peers.
    pub fn decode(
        &mut self,
        block: &[u8],
        offset: usize,
        message: &mut Message,
    ) -> Result<Vec<Header>, String> {
        let mut headers = Vec::new();
        let mut size_update_at = None;
        self.decoder
            .decode_each(block, |decoded| {
                let start = size_update_at.take().unwrap_or(decoded.bytes.start);
                let Some((name, value)) = decoded.header else {
                    size_update_at = Some(start);
                    return;
                };
                let header = Header {
                    name: String::from_utf8_lossy(name).into_owned(),
                    value: String::from_utf8_lossy(value).into_owned(),
                };
                let kind = match decoded.representation {
                    Representation::Indexed => "indexed (from the table)",
                    Representation::Added => "literal, added to the table",
                    Representation::NeverAdded => "literal, never indexed",
                    _ => "literal, not added to the table",
                };
                let shown = format!("{}: {}", header.name, printable(value, 60));
                let (start, end) = (offset + start, offset + decoded.bytes.end);
                message.span(start, end, format!("HPACK {kind} → {shown}"));
                headers.push(header);
            })
            .map_err(|error| format!("HPACK: {error}"))?;
        if size_update_at.is_some() {
            return Err("HPACK: a table size update at the end of a block".into());
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests;
