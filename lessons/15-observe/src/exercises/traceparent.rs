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
    // TODO: the caller's place in the trace, or an error saying which rule the header
    // breaks. Anyone can send anything here: no header may make it panic.
    todo!("observe.traceparent")
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
