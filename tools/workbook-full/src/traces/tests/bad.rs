//! What is not OTLP, or too much of it, is refused or bounded, and the receiver goes on
//! taking other clients' exports.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};

use super::support::{Feed, View, spans, view};
use crate::traces::receiver::MAX_REQUEST;
use crate::traces::store::{MAX_ATTRIBUTE_BYTES, MAX_SPANS, MAX_TRACES};

/// An export of `count` spans of the trace `trace` (each its own id, all under the first),
/// from `service`.
fn export(trace: u8, count: usize, service: &str) -> ExportTraceServiceRequest {
    let text = |text: &str| AnyValue {
        value: Some(any_value::Value::StringValue(text.into())),
    };
    let spans = (0..count as u64)
        .map(|n| Span {
            trace_id: vec![trace; 16],
            span_id: (n + 1).to_be_bytes().to_vec(),
            parent_span_id: if n == 0 {
                vec![]
            } else {
                1u64.to_be_bytes().to_vec()
            },
            name: format!("step {n}"),
            start_time_unix_nano: 1_700_000_000_000_000_000 + n * 1000,
            end_time_unix_nano: 1_700_000_000_000_000_000 + n * 1000 + 500,
            ..Default::default()
        })
        .collect();
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![KeyValue {
                    key: "service.name".into(),
                    value: Some(text(service)),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}

async fn grpc_client(view: &View) -> TraceServiceClient<tonic::transport::Channel> {
    let endpoint = format!("http://{}", view.receiver);
    TraceServiceClient::connect(endpoint).await.unwrap()
}

/// POSTs `body` to `/v1/traces`: the answer's status.
async fn post(view: &View, content_type: &str, body: Vec<u8>) -> u16 {
    let url = format!("http://{}/v1/traces", view.receiver);
    let request = reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body);
    request.send().await.unwrap().status().as_u16()
}

/// Another client's export still gets through, and shows in the feed.
async fn another_export_succeeds(view: &View, feed: &mut Feed, trace: u8) {
    let mut client = grpc_client(view).await;
    client.export(export(trace, 2, "fine")).await.unwrap();
    let id = hex_of(trace);
    feed.trace("the other client's export", |t| t["trace_id"] == id)
        .await;
}

fn hex_of(trace: u8) -> String {
    format!("{trace:02x}").repeat(16)
}

#[tokio::test]
async fn malformed_truncated_and_oversized_requests_are_refused() {
    let view = view().await;
    let mut feed = Feed::open(&view).await;
    let protobuf = "application/x-protobuf";
    // Over HTTP: bytes that are no protobuf, a message cut short, one over the bound, and
    // JSON (not taken).
    assert_eq!(post(&view, protobuf, vec![0xff; 64]).await, 400);
    let mut cut = export(1, 3, "cut").encode_to_vec();
    cut.truncate(cut.len() - 5);
    assert_eq!(post(&view, protobuf, cut).await, 400);
    assert_eq!(post(&view, protobuf, vec![0; MAX_REQUEST + 1]).await, 413);
    assert_eq!(post(&view, "application/json", b"{}".to_vec()).await, 415);

    // Over gRPC: bytes that are no protobuf, and a message over the bound.
    let status = grpc_raw(&view, vec![0xff; 64]).await.unwrap_err();
    assert_ne!(status.code(), tonic::Code::Ok);
    let mut huge = export(2, 1, "huge");
    huge.resource_spans[0].scope_spans[0].spans[0].name = "x".repeat(MAX_REQUEST);
    let status = grpc_client(&view).await.export(huge).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::OutOfRange, "{status}");

    // A client that sends half a body and waits holds nothing up.
    let mut stalled = tokio::net::TcpStream::connect(view.receiver).await.unwrap();
    stalled
        .write_all(b"POST /v1/traces HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-protobuf\r\ncontent-length: 1000\r\n\r\nabc")
        .await
        .unwrap();
    another_export_succeeds(&view, &mut feed, 3).await;
    // Nor does one that hangs up half-way.
    drop(stalled);
    another_export_succeeds(&view, &mut feed, 4).await;
    // None of the refused made a trace.
    let kept: Vec<String> = view
        .traces
        .store
        .snapshot()
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(kept.len(), 2, "{kept:?}");
}

#[tokio::test]
async fn thousands_of_spans_and_traces_are_bounded() {
    let view = view().await;
    let mut feed = Feed::open(&view).await;
    let mut client = grpc_client(&view).await;
    // One trace of 5000 spans: the first MAX_SPANS kept, the rest counted.
    client.export(export(7, 5000, "many")).await.unwrap();
    let trace = feed
        .trace("the big trace", |t| t["trace_id"] == hex_of(7))
        .await;
    assert_eq!(spans(&trace).len(), MAX_SPANS);
    assert_eq!(trace["dropped_spans"], 5000 - MAX_SPANS as u64);

    // A span with 300 attributes of 10 KB each (3 MB) keeps MAX_ATTRIBUTE_BYTES of text.
    let mut wide = export(8, 1, "wide");
    let long = AnyValue {
        value: Some(any_value::Value::StringValue("v".repeat(10_000))),
    };
    wide.resource_spans[0].scope_spans[0].spans[0].attributes = (0..300)
        .map(|n| KeyValue {
            key: format!("key{n}"),
            value: Some(long.clone()),
            ..Default::default()
        })
        .collect();
    client.export(wide).await.unwrap();
    let trace = feed
        .trace("the wide span", |t| t["trace_id"] == hex_of(8))
        .await;
    let shown: usize = (trace["spans"][0]["attributes"].as_array().unwrap().iter())
        .map(|pair| pair[0].as_str().unwrap().len() + pair[1].as_str().unwrap().len())
        .sum();
    assert!(shown <= MAX_ATTRIBUTE_BYTES, "{shown} bytes of attributes");

    // Two hundred traces in one export: the last MAX_TRACES kept.
    let mut many = export(9, 1, "traces");
    let spans_of = &mut many.resource_spans[0].scope_spans[0].spans;
    let first = spans_of[0].clone();
    for n in 0..200u16 {
        let mut span = first.clone();
        span.trace_id = [n.to_be_bytes().to_vec(), vec![0xaa; 14]].concat();
        spans_of.push(span);
    }
    client.export(many).await.unwrap();
    assert_eq!(view.traces.store.snapshot().len(), MAX_TRACES);
    another_export_succeeds(&view, &mut feed, 10).await;
}

/// A gRPC call of `TraceService/Export` whose message is `bytes`, whatever they are.
async fn grpc_raw(view: &View, bytes: Vec<u8>) -> Result<Vec<u8>, tonic::Status> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", view.receiver))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let path = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    let reply = grpc
        .unary(tonic::Request::new(bytes), path.parse().unwrap(), Raw)
        .await?;
    Ok(reply.into_inner())
}

/// Bytes in, bytes out: a codec that sends what it is given.
#[derive(Debug, Clone, Copy, Default)]
struct Raw;

impl Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Raw;
    type Decoder = Raw;

    fn encoder(&mut self) -> Raw {
        Raw
    }

    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        use bytes::BufMut;
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        use bytes::Buf;
        let mut out = vec![0; src.remaining()];
        src.copy_to_slice(&mut out);
        Ok(Some(out))
    }
}

/// Bytes that are not HTTP at all (a TLS hello, then noise) end their connection, and the
/// receiver goes on.
#[tokio::test]
async fn the_receiver_answers_after_garbage_on_the_connection() {
    let view = view().await;
    let mut garbage = tokio::net::TcpStream::connect(view.receiver).await.unwrap();
    garbage
        .write_all(&[0x16, 0x03, 0x01, 0xff, 0xff])
        .await
        .unwrap();
    garbage.write_all(&[0xab; 4096]).await.unwrap();
    let mut answer = Vec::new();
    // The server answers an error (or just closes): either way the connection ends.
    let _ = tokio::time::timeout(testkit::PATIENCE, garbage.read_to_end(&mut answer)).await;
    let mut feed = Feed::open(&view).await;
    another_export_succeeds(&view, &mut feed, 11).await;
}
