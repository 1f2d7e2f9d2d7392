use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};

use super::*;
use opentelemetry_proto::tonic::trace::v1 as otlp;

fn span(trace: u8, id: u8, parent: Option<u8>) -> otlp::Span {
    otlp::Span {
        trace_id: vec![trace; 16],
        span_id: vec![id; 8],
        parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
        name: format!("span {id}"),
        start_time_unix_nano: 2_000_000,
        end_time_unix_nano: 5_000_000,
        ..Default::default()
    }
}

fn export(spans: Vec<otlp::Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

fn trace(store: &Store) -> serde_json::Value {
    let snapshot = store.snapshot();
    assert_eq!(snapshot.len(), 1);
    serde_json::from_str(&snapshot[0]).unwrap()
}

#[test]
fn spans_without_valid_ids_are_refused_and_counted() {
    let store = Store::default();
    let mut no_trace = span(1, 1, None);
    no_trace.trace_id = vec![0; 16];
    let mut short_id = span(1, 2, None);
    short_id.span_id = vec![2; 4];
    let mut bad_parent = span(1, 3, None);
    bad_parent.parent_span_id = vec![1; 3];
    let added = store.add(export(vec![
        no_trace,
        short_id,
        bad_parent,
        span(1, 4, None),
    ]));
    assert_eq!(
        added,
        Added {
            spans: 1,
            rejected: 3
        }
    );
    let trace = trace(&store);
    assert_eq!(trace["spans"][0]["service"], UNKNOWN_SERVICE);
}

#[test]
fn a_span_sent_again_replaces_itself_and_spans_of_one_trace_gather() {
    let store = Store::default();
    store.add(export(vec![span(1, 1, None)]));
    let mut again = span(1, 1, None);
    again.name = "renamed".into();
    store.add(export(vec![again, span(1, 2, Some(1))]));
    let trace = trace(&store);
    assert_eq!(trace["spans"].as_array().unwrap().len(), 2);
    assert_eq!(trace["spans"][0]["name"], "renamed");
    assert_eq!(trace["spans"][1]["parent_id"], "01".repeat(8));
}

#[test]
fn times_are_microseconds_from_the_trace_start_and_never_negative() {
    let store = Store::default();
    let mut backwards = span(1, 2, Some(1));
    backwards.start_time_unix_nano = 3_000_000;
    backwards.end_time_unix_nano = 1_000; // ends before it starts
    store.add(export(vec![span(1, 1, None), backwards]));
    let trace = trace(&store);
    assert_eq!(trace["started_ms"], 2.0);
    assert_eq!(trace["duration_us"], 3000);
    assert_eq!(trace["spans"][1]["start_us"], 1000);
    assert_eq!(trace["spans"][1]["duration_us"], 0);
}

#[test]
fn the_oldest_trace_goes_first_and_watchers_hear_each_change() {
    let store = Store::default();
    let mut changes = store.subscribe();
    for trace in 1..=MAX_TRACES as u8 + 1 {
        store.add(export(vec![span(trace, 1, None)]));
    }
    let kept = store.snapshot();
    assert_eq!(kept.len(), MAX_TRACES);
    assert!(kept[0].contains(&"02".repeat(16)), "trace 1 went first");
    let first: serde_json::Value = serde_json::from_str(&changes.try_recv().unwrap()).unwrap();
    assert_eq!(first["trace_id"], "01".repeat(16));
}
