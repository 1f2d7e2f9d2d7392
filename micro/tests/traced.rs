//! One call traced across services (lesson 15): a request to `micro api` calls the captcha
//! service, which asks Redis; the three spans — the gateway's request, the service's call,
//! the Redis command — reach an OTLP receiver the test starts, with one trace id, each
//! under the one before, as OpenTelemetry's collector would receive them.

use std::sync::Arc;
use std::time::Duration;

use micro::registry::Registry;
use micro::registry::memory::MemoryRegistry;
use micro::service::Service;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use proto::captcha::captcha_server::CaptchaServer;
use shared::captcha::CaptchaService;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tonic::server::NamedService;
use tracing_subscriber::layer::SubscriberExt;

use crate::support::unique_service;
use testkit::{http_get, within};

/// An OTLP receiver: every span exported to it comes out of the channel.
struct Receiver(mpsc::UnboundedSender<Span>);

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let spans = request.into_inner().resource_spans.into_iter();
        let spans = spans.flat_map(|resource| resource.scope_spans);
        for span in spans.flat_map(|scope| scope.spans) {
            let _ = self.0.send(span);
        }
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

/// Starts a receiver on a free port: its address and the spans it receives.
async fn receiver() -> (String, mpsc::UnboundedReceiver<Span>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (spans, received) = mpsc::unbounded_channel();
    let server = tonic::transport::Server::builder()
        .add_service(TraceServiceServer::new(Receiver(spans)))
        .serve_with_incoming(shared::grpc::incoming(listener));
    tokio::spawn(server);
    (address, received)
}

// The runtime is this thread alone, so the subscriber set for this thread sees every span
// the gateway and the service make.
#[tokio::test(flavor = "current_thread")]
async fn one_call_is_one_trace_of_three_spans() {
    let (otlp, mut received) = receiver().await;
    let provider = micro::trace::provider(
        &format!("http://{otlp}"),
        "micro-tests",
        Some(Duration::from_millis(50)),
    )
    .unwrap();
    let subscriber = tracing_subscriber::registry().with(micro::trace::layer(&provider));
    let _subscriber = tracing::subscriber::set_default(subscriber);
    micro::trace::start_tracing();

    let redis = testkit::redis().await;
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("traced");
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
    let api = crate::support::api(registry, Default::default()).await;

    let uuid = "5f0c2a4e-8d8b-4a43-9a6e-2f3c1b0d9e7a";
    let path = format!("/{name}/captcha/verify?uuid={uuid}&code=abcd");
    let (status, body) = within("the call", http_get(&api, &path)).await.unwrap();
    assert_eq!(status, 200, "{body}");

    // The gateway's span, then the two under it, as the exporter sends them.
    let mut spans: Vec<Span> = Vec::new();
    let request = format!("GET /{name}/captcha/verify");
    let trace = within("the three spans", async {
        loop {
            let span = received.recv().await.expect("the receiver runs");
            spans.push(span);
            let Some(root) = spans.iter().find(|span| span.name == request) else {
                continue;
            };
            let trace: Vec<&Span> = spans
                .iter()
                .filter(|span| span.trace_id == root.trace_id)
                .collect();
            if trace.len() == 3 {
                return trace.into_iter().cloned().collect::<Vec<Span>>();
            }
        }
    })
    .await;
    let named = |name: &str| {
        trace
            .iter()
            .find(|span| span.name == name)
            .unwrap_or_else(|| panic!("no span {name} in {trace:#?}"))
    };
    let gateway = named(&request);
    let call = named("captcha.Captcha/Verify");
    let redis = named("GETDEL");
    assert!(
        gateway.parent_span_id.is_empty(),
        "the gateway's span starts the trace"
    );
    assert_eq!(
        call.parent_span_id, gateway.span_id,
        "the call is under the request"
    );
    assert_eq!(
        redis.parent_span_id, call.span_id,
        "the command is under the call"
    );
    assert_eq!(gateway.kind, SpanKind::Server as i32);
    assert_eq!(call.kind, SpanKind::Server as i32);
    assert_eq!(redis.kind, SpanKind::Client as i32);
    for span in [gateway, call, redis] {
        assert!(
            span.end_time_unix_nano >= span.start_time_unix_nano,
            "{span:?}"
        );
    }
    assert!(redis.start_time_unix_nano >= call.start_time_unix_nano);
    assert!(call.start_time_unix_nano >= gateway.start_time_unix_nano);

    // Shutting down waits for the exporter, whose connection runs on this thread: off it.
    let shutdown = tokio::task::spawn_blocking(move || provider.shutdown());
    let _ = within("the provider's shutdown", shutdown).await;
}

/// A `traceparent` that is not one (a wrong length, a huge one, an all-zero trace id) is
/// no parent: the gateway starts a trace of its own, and answers as usual.
#[tokio::test(flavor = "current_thread")]
async fn a_bad_traceparent_starts_a_new_trace() {
    let bad = [
        "00-zz-00f067aa0ba902b7-01".to_string(),
        format!("00-{}-00f067aa0ba902b7-01", "0".repeat(32)),
        format!("00-{}-00f067aa0ba902b7-01", "a".repeat(40_000)),
    ];
    for header in bad {
        let mut headers = http::HeaderMap::new();
        headers.insert("traceparent", header.parse().unwrap());
        let context = micro::trace::parent_from(&headers);
        use opentelemetry::trace::TraceContextExt;
        assert!(
            !context.span().span_context().is_valid(),
            "{:.60} taken as a parent",
            header
        );
    }
}
