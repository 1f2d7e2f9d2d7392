//! One call followed across services: spans, carried from process to process by the W3C
//! `traceparent` header and sent out by OTLP.
//!
//! Metrics say *that* calls are slow; a trace says *where*. Each step of a call — the
//! gateway's request, the service's handler, its Redis command — is a *span*: a name, a
//! start, a duration, a status, and the id of the trace it belongs to and of its parent.
//! The spans of one call share a trace id across processes because each hop hands the
//! next its place in the trace, in a header of the W3C Trace Context standard:
//!
//! ```text
//! traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
//!              version-trace id (16 bytes)---------parent span id--flags (01: sampled)
//! ```
//!
//! Spans are made with `tracing` (as every log line of the course is) and handed to
//! OpenTelemetry by `tracing-opentelemetry`; OpenTelemetry's SDK sends them by OTLP, the
//! standard protocol that Jaeger, Tempo, Zipkin and every collector receive, to
//! `OTEL_EXPORTER_OTLP_ENDPOINT` (the standard variable). Without it nothing is traced and
//! no span is made: a service pays for tracing only when it is on.
//!
//! - [`grpc`]: a layer that opens a service's span for each call, under the caller's;
//! - [`http`]: the gateway's span for each request, and the header it passes on.

pub mod grpc;
pub mod http;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The standard variable that says where spans go (`http://collector:4317`).
pub const ENDPOINT_VARIABLE: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// Whether spans are made: set once a tracer is installed ([`init`], or a test's own).
static TRACING: AtomicBool = AtomicBool::new(false);

/// Whether this process makes spans.
pub fn tracing() -> bool {
    TRACING.load(Ordering::Relaxed)
}

/// Makes spans from now on (for a test that installs its own subscriber).
pub fn start_tracing() {
    TRACING.store(true, Ordering::Relaxed);
}

/// Sends the spans left when dropped: keep it until the program ends.
pub struct Tracing {
    provider: SdkTracerProvider,
}

impl Drop for Tracing {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            tracing::warn!("the last spans could not be sent: {error}");
        }
    }
}

/// Logs as [`shared::init_logging`] does and, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set,
/// sends the spans there by OTLP over gRPC, from a process named `service` (unless
/// `OTEL_SERVICE_NAME` names it). Call it inside the Tokio runtime (the
/// exporter's connection runs on it), and keep what it returns until the program ends.
pub fn init(service: &str) -> anyhow::Result<Option<Tracing>> {
    let logs = shared::log_layer();
    let Some(endpoint) = std::env::var_os(ENDPOINT_VARIABLE) else {
        tracing_subscriber::registry().with(logs).init();
        return Ok(None);
    };
    let provider = provider(&endpoint.to_string_lossy(), service, None)?;
    let spans = layer(&provider);
    tracing_subscriber::registry().with(logs).with(spans).init();
    start_tracing();
    Ok(Some(Tracing { provider }))
}

// ANCHOR: provider
/// A tracer provider that sends `service`'s spans to `endpoint` by OTLP over gRPC, in
/// batches: every `every` (default: the SDK's 5 s, or `OTEL_BSP_SCHEDULE_DELAY`).
pub fn provider(
    endpoint: &str,
    service: &str,
    every: Option<Duration>,
) -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .build()?;
    let mut batches = BatchConfigBuilder::default();
    if let Some(every) = every {
        batches = batches.with_scheduled_delay(every);
    }
    let processor = BatchSpanProcessor::builder(exporter)
        .with_batch_config(batches.build())
        .build();
    // OTEL_SERVICE_NAME, the standard variable, names the process where it is set.
    let mut resource = opentelemetry_sdk::Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name(service.to_string());
    }
    let resource = resource.build();
    Ok(SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(resource)
        .build())
}
// ANCHOR_END: provider

/// The layer that hands `tracing`'s spans to `provider`: only the spans of [`SPANS`], the
/// target every traced step uses (a log line is no span of a trace).
pub fn layer<S>(provider: &SdkTracerProvider) -> impl Layer<S>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    let tracer = provider.tracer("micro");
    tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
            meta.target() == shared::TRACED
        }))
}

pub use shared::TRACED as SPANS;

// ANCHOR: propagate
/// The span context a caller sent in `headers` (`traceparent`, `tracestate`), to be the
/// parent of this hop's span; an empty context when there is none or it is malformed.
pub fn parent_from(headers: &::http::HeaderMap) -> opentelemetry::Context {
    TraceContextPropagator::new().extract(&HeaderExtractor(headers))
}

/// The current span's place in its trace, written into the metadata of a gRPC call it
/// makes, for the service to put its span under; nothing while no spans are made.
pub fn pass_on(metadata: &mut tonic::metadata::MetadataMap) {
    if !tracing() {
        return;
    }
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut MetadataInjector(metadata));
}
// ANCHOR_END: propagate

struct HeaderExtractor<'a>(&'a ::http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|name| name.as_str()).collect()
    }
}

struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        let key = tonic::metadata::MetadataKey::from_bytes(key.as_bytes());
        let value = tonic::metadata::MetadataValue::try_from(value);
        if let (Ok(key), Ok(value)) = (key, value) {
            self.0.insert(key, value);
        }
    }
}
