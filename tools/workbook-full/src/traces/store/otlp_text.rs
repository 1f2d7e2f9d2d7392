//! A span from OTLP as the store keeps it: its ids checked, its text bounded.
//!
//! OTLP's ids are bytes (16 for a trace, 8 for a span), its attributes values of any type,
//! nested as deep as a sender likes; the view keeps ids as they are and everything else as
//! text cut to the store's bounds, whatever arrived.

use std::fmt::Write as _;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1 as otlp;

use super::{MAX_ATTRIBUTE_BYTES, MAX_ATTRIBUTES, MAX_NAME, Span, UNKNOWN_SERVICE};

/// The span as kept, with its trace's id; None when its ids are not ids (OTLP's are 16 and
/// 8 bytes, never all zero).
pub(super) fn convert(span: otlp::Span, service: &str) -> Option<([u8; 16], Span)> {
    let trace_id: [u8; 16] = span.trace_id.try_into().ok()?;
    let span_id: [u8; 8] = span.span_id.try_into().ok()?;
    if trace_id == [0; 16] || span_id == [0; 8] {
        return None;
    }
    let parent_id = match span.parent_span_id.len() {
        0 => None,
        _ => Some(span.parent_span_id.try_into().ok()?),
    };
    let kind = match otlp::span::SpanKind::try_from(span.kind) {
        Ok(otlp::span::SpanKind::Internal) => "internal",
        Ok(otlp::span::SpanKind::Server) => "server",
        Ok(otlp::span::SpanKind::Client) => "client",
        Ok(otlp::span::SpanKind::Producer) => "producer",
        Ok(otlp::span::SpanKind::Consumer) => "consumer",
        _ => "unspecified",
    };
    let status = span.status.unwrap_or_default();
    let error = status.code == otlp::status::StatusCode::Error as i32;
    Some((
        trace_id,
        Span {
            span_id,
            parent_id,
            service: service.to_string(),
            name: bounded(span.name, MAX_NAME),
            kind,
            start_ns: span.start_time_unix_nano,
            // A span that ends before it starts (a clock stepped back) lasts no time.
            end_ns: span.end_time_unix_nano.max(span.start_time_unix_nano),
            error,
            status: bounded(status.message, MAX_NAME),
            attributes: attributes(&span.attributes),
        },
    ))
}

/// The resource's `service.name`: which process sent the span.
pub(super) fn service_name(resource: Option<&Resource>) -> String {
    let named = resource
        .into_iter()
        .flat_map(|resource| &resource.attributes)
        .find(|attribute| attribute.key == "service.name")
        .and_then(
            |attribute| match attribute.value.as_ref()?.value.as_ref()? {
                any_value::Value::StringValue(name) if !name.is_empty() => Some(name.clone()),
                _ => None,
            },
        );
    bounded(named.unwrap_or_else(|| UNKNOWN_SERVICE.into()), MAX_NAME)
}

/// The attributes as `key`, `value` text: the first [`MAX_ATTRIBUTES`], until
/// [`MAX_ATTRIBUTE_BYTES`] are taken.
fn attributes(attributes: &[KeyValue]) -> Vec<(String, String)> {
    let mut left = MAX_ATTRIBUTE_BYTES;
    let mut shown = Vec::new();
    for attribute in attributes.iter().take(MAX_ATTRIBUTES) {
        let key = bounded(attribute.key.clone(), left);
        let value = bounded(text(attribute.value.as_ref()), left - key.len());
        left -= key.len() + value.len();
        shown.push((key, value));
        if left == 0 {
            break;
        }
    }
    shown
}

/// An attribute's value as text, however deep (arrays and maps are shown compactly).
fn text(value: Option<&AnyValue>) -> String {
    let mut out = String::new();
    write_value(&mut out, value, 0);
    out
}

fn write_value(out: &mut String, value: Option<&AnyValue>, depth: usize) {
    // Text past the attribute bytes is cut anyway; past a few levels, a map is shown as `…`.
    if depth > 4 || out.len() > MAX_ATTRIBUTE_BYTES {
        out.push('…');
        return;
    }
    use any_value::Value;
    match value.and_then(|value| value.value.as_ref()) {
        None => {}
        Some(Value::StringValue(text)) => out.push_str(text),
        Some(Value::BoolValue(b)) => out.push_str(if *b { "true" } else { "false" }),
        Some(Value::IntValue(i)) => out.push_str(&i.to_string()),
        Some(Value::DoubleValue(d)) => out.push_str(&d.to_string()),
        Some(Value::BytesValue(bytes)) => {
            out.push_str(&hex(&bytes[..bytes.len().min(MAX_ATTRIBUTE_BYTES / 2)]));
        }
        Some(Value::ArrayValue(array)) => {
            out.push('[');
            for (index, item) in array.values.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if out.len() > MAX_ATTRIBUTE_BYTES {
                    out.push('…');
                    break;
                }
                write_value(out, Some(item), depth + 1);
            }
            out.push(']');
        }
        Some(Value::KvlistValue(map)) => {
            out.push('{');
            for (index, pair) in map.values.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if out.len() > MAX_ATTRIBUTE_BYTES {
                    out.push('…');
                    break;
                }
                out.push_str(&pair.key);
                out.push_str(": ");
                write_value(out, pair.value.as_ref(), depth + 1);
            }
            out.push('}');
        }
        // An index into a dictionary OTLP sends beside the spans, which this view does
        // not keep: shown as what it is.
        Some(Value::StringValueStrindex(index)) => out.push_str(&format!("#{index}")),
    }
}

/// `text`, cut to at most `max` bytes at a character's boundary.
fn bounded(mut text: String, max: usize) -> String {
    if text.len() > max {
        let end = (0..=max).rev().find(|&i| text.is_char_boundary(i));
        text.truncate(end.unwrap_or(0));
    }
    text
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}
