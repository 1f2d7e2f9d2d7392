//! What the trace view's tests share: the view on free ports, one real call traced through
//! `micro api`, the captcha service and Redis (micro/tests/traced.rs's arrangement), the
//! page's feed read as the page reads it, and an OTLP/HTTP exporter.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use micro::registry::Registry;
use micro::registry::memory::MemoryRegistry;
use micro::service::Service;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use prost::Message as _;
use proto::captcha::captcha_server::CaptchaServer;
use serde_json::Value;
use shared::captcha::CaptchaService;
use tokio::net::TcpListener;
use tonic::server::NamedService;
use tracing_subscriber::layer::SubscriberExt;

use crate::traces::Traces;
use testkit::{PATIENCE, http_get, within};

/// The view as the book server runs it: its receiver and its page, each on a free port.
pub struct View {
    pub receiver: SocketAddr,
    pub page: SocketAddr,
    pub traces: Traces,
}

pub async fn view() -> View {
    let traces = Traces::start(([127, 0, 0, 1], 0).into()).await;
    let endpoint = traces.endpoint().expect("the receiver listens");
    let receiver = endpoint.trim_start_matches("http://").parse().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let page = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, traces.routes()).into_future());
    View {
        receiver,
        page,
        traces,
    }
}

/// How often the tests' exporters send their batch: soon after a call.
const EVERY: Duration = Duration::from_millis(50);

/// A provider that sends `service`'s spans to the view's receiver by OTLP over gRPC, as a
/// service does with `OTEL_EXPORTER_OTLP_ENDPOINT` set to it (micro's own exporter).
pub fn grpc_provider(view: &View, service: &str) -> SdkTracerProvider {
    let endpoint = format!("http://{}", view.receiver);
    micro::trace::provider(&endpoint, service, Some(EVERY)).unwrap()
}

/// A provider that sends `service`'s spans to the view's receiver by OTLP over HTTP.
pub fn http_provider(view: &View, service: &str) -> SdkTracerProvider {
    let exporter = HttpExporter {
        url: format!("http://{}/v1/traces", view.receiver),
        resource: opentelemetry_sdk::Resource::builder_empty().build(),
        runtime: tokio::runtime::Handle::current(),
        client: reqwest::Client::new(),
    };
    let batches = BatchConfigBuilder::default().with_scheduled_delay(EVERY);
    let processor = BatchSpanProcessor::builder(exporter)
        .with_batch_config(batches.build())
        .build();
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service.to_string())
        .build();
    SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(resource)
        .build()
}

/// What an SDK's OTLP/HTTP exporter sends (opentelemetry-otlp's `http-proto`): the spans
/// turned into OTLP's message by the same code, `POST`ed as `application/x-protobuf`.
#[derive(Debug)]
struct HttpExporter {
    url: String,
    resource: opentelemetry_sdk::Resource,
    /// The exporter runs on the SDK's own thread: the request is sent from the runtime.
    runtime: tokio::runtime::Handle,
    client: reqwest::Client,
}

impl SpanExporter for HttpExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let resource = ResourceAttributesWithSchema::from(&self.resource);
        let resource_spans = group_spans_by_resource_and_scope(batch, &resource);
        let body = ExportTraceServiceRequest { resource_spans }.encode_to_vec();
        let request = (self.client.post(&self.url))
            .header("content-type", "application/x-protobuf")
            .body(body);
        let sent = self
            .runtime
            .spawn(async move { request.send().await?.error_for_status() })
            .await;
        match sent {
            Ok(Ok(_)) => Ok(()),
            other => Err(OTelSdkError::InternalFailure(format!("{other:?}"))),
        }
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.resource = resource.clone();
    }
}

/// Ends `provider`, sending what is left. Its exporter's connection runs on this thread's
/// runtime, so the wait happens off it.
pub async fn shut_down(provider: SdkTracerProvider) {
    let shutdown = tokio::task::spawn_blocking(move || provider.shutdown());
    let _ = within("the provider's shutdown", shutdown).await;
}

/// One request to `micro api` for the captcha service, which asks Redis, with this thread's
/// spans going to `provider`. The runtime must be this thread alone
/// (`flavor = "current_thread"`), so the subscriber set here sees every span. Returns the
/// gateway's span's name.
pub async fn traced_call(provider: &SdkTracerProvider) -> String {
    let subscriber = tracing_subscriber::registry().with(micro::trace::layer(provider));
    let _subscriber = tracing::subscriber::set_default(subscriber);
    micro::trace::start_tracing();

    let redis = testkit::redis().await;
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let name = format!("traced-{}-{n}", std::process::id());
    let captcha = CaptchaService::new(redis.url()).unwrap();
    let service = Service::new(&name, registry.clone())
        .address("127.0.0.1:0")
        .handle(CaptchaServer::new(captcha))
        .handle(micro::api::reflect::server(&[CaptchaServer::<
            CaptchaService,
        >::NAME]));
    let mut nodes = registry.watch(&name).await.unwrap();
    tokio::spawn(service.run(std::future::pending()));
    within("the service to register", nodes.wait_for(|n| !n.is_empty()))
        .await
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = listener.local_addr().unwrap().to_string();
    tokio::spawn(micro::api::serve(
        listener,
        registry,
        Default::default(),
        std::future::pending(),
    ));
    let uuid = "5f0c2a4e-8d8b-4a43-9a6e-2f3c1b0d9e7a";
    let path = format!("/{name}/captcha/verify?uuid={uuid}&code=abcd");
    let (status, body) = within("the call", http_get(&api, &path)).await.unwrap();
    assert_eq!(status, 200, "{body}");
    format!("GET /{name}/captcha/verify")
}

/// The page's feed, `/traces/events`, read as `EventSource` reads it.
pub struct Feed {
    response: reqwest::Response,
    /// What has arrived and is not read yet: bytes, as a chunk may end inside a character.
    received: Vec<u8>,
}

/// One server-sent event: its name (`message` unless named) and its data, as JSON.
#[derive(Debug)]
pub struct Event {
    pub name: String,
    pub data: Value,
}

impl Feed {
    pub async fn open(view: &View) -> Feed {
        let url = format!("http://{}/traces/events", view.page);
        let response = within("the feed", reqwest::get(url)).await.unwrap();
        assert_eq!(response.status(), 200);
        Feed {
            response,
            received: Vec::new(),
        }
    }

    /// The next event, within [`PATIENCE`] however many keep-alives
    /// come meanwhile: each resets no deadline.
    pub async fn next(&mut self) -> Event {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let end = self.received.windows(2).position(|pair| pair == b"\n\n");
            if let Some(end) = end {
                let block: Vec<u8> = self.received.drain(..end + 2).collect();
                let block = String::from_utf8(block).unwrap();
                let mut event = Event {
                    name: "message".into(),
                    data: Value::Null,
                };
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event: ") {
                        event.name = name.to_string();
                    } else if let Some(data) = line.strip_prefix("data: ") {
                        event.data = serde_json::from_str(data).unwrap();
                    }
                }
                // A keep-alive is a comment alone: no event.
                if !event.data.is_null() {
                    return event;
                }
                continue;
            }
            let Ok(chunk) = tokio::time::timeout_at(deadline, self.response.chunk()).await else {
                panic!(
                    "no event on the feed within {:?}; after the last, it sent: {:?}",
                    PATIENCE,
                    String::from_utf8_lossy(&self.received)
                );
            };
            let chunk = chunk.unwrap().expect("the feed goes on");
            self.received.extend_from_slice(&chunk);
        }
    }

    /// The first trace the feed shows that `wanted` accepts.
    pub async fn trace(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let wait = async {
            loop {
                let event = self.next().await;
                if event.name == "message" && wanted(&event.data) {
                    return event.data;
                }
            }
        };
        match tokio::time::timeout(PATIENCE * 2, wait).await {
            Ok(trace) => trace,
            Err(_) => panic!("the feed showed no trace with {what}"),
        }
    }
}

/// The spans of a trace shown by the feed.
pub fn spans(trace: &Value) -> &Vec<Value> {
    trace["spans"].as_array().unwrap()
}

/// The span of `trace` named `name`.
pub fn span<'t>(trace: &'t Value, name: &str) -> &'t Value {
    (spans(trace).iter())
        .find(|span| span["name"] == name)
        .unwrap_or_else(|| panic!("no span {name} in {trace:#}"))
}
