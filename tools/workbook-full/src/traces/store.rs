//! The last traces received, in bounded memory, and everyone who watches them.
//!
//! Spans arrive by the batch, and the spans of one trace come from every process the call
//! crossed, each exporting on its own schedule: the store gathers them by trace id. Anyone
//! may send anything to the receiver, so everything is bounded: the traces kept
//! ([`MAX_TRACES`], the oldest forgotten first), the spans of one trace ([`MAX_SPANS`], the
//! rest counted), the text of a span's attributes ([`MAX_ATTRIBUTE_BYTES`]). Each time a
//! trace changes, its whole view goes to the watchers as one JSON object: the page draws
//! the trace again from it.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use serde::Serialize;
use tokio::sync::broadcast;

use otlp_text::{convert, hex, service_name};

/// How many traces are kept: a new one makes the oldest go.
pub const MAX_TRACES: usize = 50;

/// How many spans of one trace are kept; more are counted, not kept.
pub const MAX_SPANS: usize = 500;

/// How much text a span's attributes may take (keys and values, as shown).
pub const MAX_ATTRIBUTE_BYTES: usize = 1024;

/// How many attributes of a span are kept, however short.
pub const MAX_ATTRIBUTES: usize = 32;

/// The longest name, service name or status message kept, in bytes.
const MAX_NAME: usize = 128;

/// What a service without `service.name` is called: OpenTelemetry's own default.
const UNKNOWN_SERVICE: &str = "unknown_service";

/// One span, as received and kept.
#[derive(Debug, Clone)]
struct Span {
    span_id: [u8; 8],
    /// None for the trace's root (or a span whose caller was not traced).
    parent_id: Option<[u8; 8]>,
    service: String,
    name: String,
    kind: &'static str,
    start_ns: u64,
    end_ns: u64,
    error: bool,
    status: String,
    attributes: Vec<(String, String)>,
}

/// The spans of one trace received so far.
#[derive(Debug)]
struct Trace {
    trace_id: [u8; 16],
    spans: Vec<Span>,
    /// Spans beyond [`MAX_SPANS`].
    dropped_spans: u64,
}

/// A trace as the page draws it: times in microseconds from the trace's start, so that
/// JavaScript's numbers hold them exactly (nanoseconds since 1970 do not fit in a double).
#[derive(Debug, Serialize)]
pub struct TraceView {
    pub trace_id: String,
    /// When its first span started, in milliseconds since 1970.
    pub started_ms: f64,
    /// From its first span's start to its last span's end.
    pub duration_us: u64,
    pub spans: Vec<SpanView>,
    pub dropped_spans: u64,
}

#[derive(Debug, Serialize)]
pub struct SpanView {
    pub span_id: String,
    /// Empty for a root.
    pub parent_id: String,
    pub service: String,
    pub name: String,
    /// `server`, `client`, `internal`, `producer`, `consumer` or `unspecified`.
    pub kind: &'static str,
    /// From the trace's start.
    pub start_us: u64,
    pub duration_us: u64,
    pub error: bool,
    /// The status's message, if it has one.
    pub status: String,
    pub attributes: Vec<(String, String)>,
}

/// What an export came to: spans kept, and spans refused (no valid trace or span id), which
/// the receiver reports back as OTLP's partial success.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    pub spans: u64,
    pub rejected: u64,
}

/// The traces, and the channel their changes go out on.
pub struct Store {
    /// Oldest received first.
    traces: Mutex<VecDeque<Trace>>,
    changes: broadcast::Sender<Arc<str>>,
}

impl Default for Store {
    fn default() -> Store {
        Store {
            traces: Mutex::default(),
            changes: broadcast::channel(64).0,
        }
    }
}

impl Store {
    /// Keeps the spans of one export, and tells the watchers of each trace that changed.
    pub fn add(&self, export: ExportTraceServiceRequest) -> Added {
        let mut added = Added::default();
        // Gathered by trace first, so the lock is taken once and each trace sent once.
        let mut by_trace: HashMap<[u8; 16], Vec<Span>> = HashMap::new();
        for resource_spans in export.resource_spans {
            let service = service_name(resource_spans.resource.as_ref());
            let spans = resource_spans.scope_spans.into_iter();
            for span in spans.flat_map(|scope| scope.spans) {
                match convert(span, &service) {
                    Some((trace_id, span)) => by_trace.entry(trace_id).or_default().push(span),
                    None => added.rejected += 1,
                }
            }
        }
        let mut changed = Vec::new();
        {
            let mut traces = self.traces.lock().unwrap_or_else(|p| p.into_inner());
            for (trace_id, spans) in by_trace {
                added.spans += spans.len() as u64;
                let index = match traces.iter().position(|t| t.trace_id == trace_id) {
                    Some(index) => index,
                    None => {
                        if traces.len() == MAX_TRACES {
                            traces.pop_front();
                        }
                        traces.push_back(Trace {
                            trace_id,
                            spans: Vec::new(),
                            dropped_spans: 0,
                        });
                        traces.len() - 1
                    }
                };
                let trace = &mut traces[index];
                for span in spans {
                    trace.keep(span);
                }
                changed.push(trace_id);
            }
            // A trace made and forgotten within this one export is not sent.
            changed.retain(|id| traces.iter().any(|t| t.trace_id == *id));
            for trace in traces.iter().filter(|t| changed.contains(&t.trace_id)) {
                // No one watching is no error: the trace is kept for whoever comes.
                let _ = self.changes.send(trace.json());
            }
        }
        added
    }

    /// Every trace kept, oldest first, as the page's JSON.
    pub fn snapshot(&self) -> Vec<Arc<str>> {
        let traces = self.traces.lock().unwrap_or_else(|p| p.into_inner());
        traces.iter().map(Trace::json).collect()
    }

    /// Each trace's JSON from now on, every time it changes.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<str>> {
        self.changes.subscribe()
    }
}

impl Trace {
    /// Adds `span`, or puts it in place of the one with its id (an exporter that sent a
    /// batch again); past [`MAX_SPANS`], only counts it.
    fn keep(&mut self, span: Span) {
        if let Some(kept) = self.spans.iter_mut().find(|s| s.span_id == span.span_id) {
            *kept = span;
        } else if self.spans.len() < MAX_SPANS {
            self.spans.push(span);
        } else {
            self.dropped_spans += 1;
        }
    }

    fn view(&self) -> TraceView {
        let start = self.spans.iter().map(|s| s.start_ns).min().unwrap_or(0);
        let end = self.spans.iter().map(|s| s.end_ns).max().unwrap_or(start);
        let micros = |ns: u64| ns / 1000;
        let mut spans: Vec<SpanView> = (self.spans.iter())
            .map(|span| SpanView {
                span_id: hex(&span.span_id),
                parent_id: span
                    .parent_id
                    .as_ref()
                    .map(|id| hex(id))
                    .unwrap_or_default(),
                service: span.service.clone(),
                name: span.name.clone(),
                kind: span.kind,
                start_us: micros(span.start_ns - start),
                duration_us: micros(span.end_ns - span.start_ns),
                error: span.error,
                status: span.status.clone(),
                attributes: span.attributes.clone(),
            })
            .collect();
        spans.sort_by_key(|span| span.start_us);
        TraceView {
            trace_id: hex(&self.trace_id),
            started_ms: start as f64 / 1e6,
            duration_us: micros(end - start),
            spans,
            dropped_spans: self.dropped_spans,
        }
    }

    fn json(&self) -> Arc<str> {
        serde_json::to_string(&self.view())
            .unwrap_or_default()
            .into()
    }
}

mod otlp_text;

#[cfg(test)]
mod tests;
