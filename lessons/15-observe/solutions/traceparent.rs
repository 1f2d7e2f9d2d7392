//! The W3C `traceparent` header: read what a caller sent, and write what the next hop gets.
//!
//! A trace crosses processes because each hop tells the next where it is in the trace:
//!
//! ```text
//! traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//!              |  |                                |                |
//!              |  trace id: 16 bytes               parent id: 8     flags (01: sampled)
//!              version
//! ```
//!
//! The framework lets OpenTelemetry's propagator do this (`micro::trace`); here it is by
//! hand, as the W3C Trace Context recommendation writes it (section 3.2). Anyone can send
//! any header, so a bad one is refused — and a service then starts a trace of its own.

// ANCHOR: traceparent
/// A caller's place in a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace every span of the call belongs to.
    pub trace_id: [u8; 16],
    /// The caller's span: the parent of the next span.
    pub parent_id: [u8; 8],
    /// Trace flags; bit 0 (`01`) says the caller records this trace (sampled).
    pub flags: u8,
}

/// Why a header is not a `traceparent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTraceParent(pub String);

/// The longest header read: a version `00` header is 55 characters, a later version's a few
/// more. Anything longer is refused before it is looked at.
pub const MAX_LEN: usize = 512;
// ANCHOR_END: traceparent

// ANCHOR: rules
/// Reads a `traceparent` header by the recommendation's rules:
/// - four fields separated by `-`: version (2 hex digits), trace id (32), parent id (16),
///   flags (2); hex digits are lowercase only (`0-9`, `a-f`);
/// - version `ff` is invalid; version `00` is exactly those 55 characters; a later version
///   may add fields after them, so its header is longer than 55 only if a `-` follows the
///   flags (and its first four fields are read as version `00`'s);
/// - a trace id or a parent id of all zeros is invalid;
/// - a header longer than [`MAX_LEN`] is refused.
///
/// Surrounding spaces and tabs are ignored. The error says what is wrong.
pub fn parse(header: &str) -> Result<TraceParent, BadTraceParent> {
    let bad = |why: &str| Err(BadTraceParent(why.to_string()));
    if header.len() > MAX_LEN {
        return bad("longer than any traceparent");
    }
    let header = header.trim_matches([' ', '\t']);
    let version = header
        .get(..2)
        .ok_or_else(|| BadTraceParent("too short".into()))?;
    let version = hex_bytes::<1>(version).ok_or_else(|| BadTraceParent("no version".into()))?;
    match (version[0], header.len()) {
        (0xff, _) => return bad("version ff is invalid"),
        (0x00, 55) => {}
        (0x00, _) => return bad("a version 00 header is 55 characters"),
        (_, 55) => {}
        (_, len) if len > 55 && header.as_bytes()[55] == b'-' => {}
        _ => return bad("a later version's fields do not end where version 00's do"),
    }
    let fields: Vec<&str> = header[..55].split('-').collect();
    let [_, trace_id, parent_id, flags] = fields[..] else {
        return bad("not four fields separated by '-'");
    };
    let trace_id =
        hex_bytes::<16>(trace_id).ok_or_else(|| BadTraceParent("bad trace id".into()))?;
    let parent_id =
        hex_bytes::<8>(parent_id).ok_or_else(|| BadTraceParent("bad parent id".into()))?;
    let [flags] = hex_bytes::<1>(flags).ok_or_else(|| BadTraceParent("bad flags".into()))?;
    if trace_id == [0; 16] {
        return bad("a trace id of zeros is invalid");
    }
    if parent_id == [0; 8] {
        return bad("a parent id of zeros is invalid");
    }
    Ok(TraceParent {
        trace_id,
        parent_id,
        flags,
    })
}

/// `N` bytes from exactly `2 · N` lowercase hex digits.
fn hex_bytes<const N: usize>(digits: &str) -> Option<[u8; N]> {
    let lowercase = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    if digits.len() != 2 * N || !digits.as_bytes().iter().all(lowercase) {
        return None;
    }
    let mut bytes = [0; N];
    for (n, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * n..2 * n + 2], 16).ok()?;
    }
    Some(bytes)
}

impl TraceParent {
    /// The header for the next hop, whose span is `span_id`: the same trace, this span as
    /// its parent, the same flags, written as version `00`.
    pub fn child(&self, span_id: [u8; 8]) -> String {
        format!(
            "00-{}-{}-{:02x}",
            hex(&self.trace_id),
            hex(&span_id),
            self.flags
        )
    }
}

/// Bytes as lowercase hex digits.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
// ANCHOR_END: rules
