//! Is a header block a well-formed request? The checks of RFC 9113, sections 8.1 to 8.3.
//!
//! HTTP/1's parser rejected a broken request line before anyone saw it. HTTP/2 has no
//! request line: the method, scheme and path travel as *pseudo-header fields* (`:method`,
//! `:scheme`, `:path`, `:authority`) in the same HPACK-coded list as every other field, and
//! it falls to the receiver to check that the list makes a request. One that does not is
//! *malformed* (section 8.1.1) and is refused with a stream error of type PROTOCOL_ERROR:
//! an RST_STREAM for that call alone, while the connection and its other calls go on.
//! The header block is still decoded in full first, since the client's HPACK table changed
//! with it whatever becomes of the call.

use http2::frame::error;
use http2::hpack::ENTRY_OVERHEAD;

use super::calls::Route;
use shared::grpc::MAX_HEADER_BYTES;

/// What a call's header block says, gathered field by field as it is decoded.
#[derive(Default)]
pub struct RequestHead {
    route: Option<Route>,
    post: bool,
    grpc: bool,
    /// The body's length, if the client announced it (`content-length`).
    pub content_length: Option<u64>,
    /// The header list's size as HTTP/2 counts it: name + value + 32 per field.
    size: usize,
    /// Which pseudo-header fields came: `:method`, `:scheme`, `:path`, `:authority`.
    pseudo: [bool; 4],
    /// A regular field came: no pseudo-header field may follow it.
    regular: bool,
    /// The first rule the block broke, if it broke one.
    malformed: Option<&'static str>,
}

/// What becomes of a new stream, once its header block has been read.
pub enum Verdict {
    /// A gRPC call to answer.
    Call(Route),
    /// Refused with RST_STREAM and this error code, for the reason given.
    Reset(u32, &'static str),
    /// A request, but not one for this server: answered with this HTTP status.
    Http(u16),
}

impl RequestHead {
    /// Takes in one field of the block.
    pub fn add(&mut self, name: &[u8], value: &[u8]) {
        self.size += name.len() + value.len() + ENTRY_OVERHEAD;
        if self.malformed.is_none() {
            self.malformed = self.check(name, value).err();
        }
    }

    fn check(&mut self, name: &[u8], value: &[u8]) -> Result<(), &'static str> {
        if let Some(pseudo) = name.strip_prefix(b":") {
            // Section 8.3: pseudo-header fields come before every regular field, and a
            // request has only the four defined for requests (`:status` is a response's).
            if self.regular {
                return Err("a pseudo-header field after a regular field");
            }
            let which = match pseudo {
                b"method" => 0,
                b"scheme" => 1,
                b"path" => 2,
                b"authority" => 3,
                _ => return Err("a pseudo-header field that requests do not have"),
            };
            // Section 8.3.1: exactly one of each.
            if std::mem::replace(&mut self.pseudo[which], true) {
                return Err("a pseudo-header field twice");
            }
            match pseudo {
                b"method" => self.post = value == b"POST",
                // An http(s) URI's path is never empty: at least "/" (section 8.3.1).
                b"path" if value.is_empty() => return Err("an empty :path"),
                b"path" => self.route = Some(Route::from_path(value)),
                _ => {}
            }
            return Ok(());
        }
        self.regular = true;
        check_regular(name, value)?;
        match name {
            b"content-type" => self.grpc = value.starts_with(b"application/grpc"),
            b"content-length" => {
                let digits = std::str::from_utf8(value).ok();
                let length = digits.and_then(|digits| digits.parse().ok());
                self.content_length = Some(length.ok_or("a content-length that is no number")?);
            }
            _ => {}
        }
        Ok(())
    }

    /// What to do with the stream. Over the size limit is an HTTP answer (431, as the worked
    /// example gives); a malformed request is reset; a request for something other than a
    /// gRPC call gets the HTTP status that says why.
    pub fn verdict(self) -> Verdict {
        if self.size > MAX_HEADER_BYTES as usize {
            return Verdict::Http(431);
        }
        if let Some(why) = self.malformed {
            return Verdict::Reset(error::PROTOCOL_ERROR, why);
        }
        // Section 8.3.1: every request (but CONNECT, which a gRPC server does not take) has
        // `:method`, `:scheme` and `:path`.
        let [method, scheme, path, _] = self.pseudo;
        if !(method && scheme && path) {
            return Verdict::Reset(error::PROTOCOL_ERROR, "no :method, :scheme or :path");
        }
        match self.route {
            Some(route) if self.post && self.grpc => Verdict::Call(route),
            _ if !self.post => Verdict::Http(405),
            _ => Verdict::Http(415),
        }
    }
}

/// Checks the fields of trailers, the header block that ends a request: regular fields
/// only (section 8.1), under the same rules as any field. `Err` with the rule broken.
pub fn check_trailer(name: &[u8], value: &[u8]) -> Result<(), &'static str> {
    if name.starts_with(b":") {
        return Err("a pseudo-header field in trailers");
    }
    check_regular(name, value)
}

/// The rules every regular field obeys.
fn check_regular(name: &[u8], value: &[u8]) -> Result<(), &'static str> {
    // Section 8.2.1: names are sent in lowercase. An uppercase letter is not another
    // spelling of the same name but a broken field.
    if name.iter().any(u8::is_ascii_uppercase) {
        return Err("an uppercase field name");
    }
    // Section 8.2.2: fields that describe one HTTP/1 connection mean nothing on a stream
    // of a multiplexed one, and `te` may only ask for trailers.
    match name {
        b"connection" | b"proxy-connection" | b"keep-alive" | b"transfer-encoding" | b"upgrade" => {
            Err("a connection-specific field")
        }
        b"te" if value != b"trailers" => Err("a te field other than \"trailers\""),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
