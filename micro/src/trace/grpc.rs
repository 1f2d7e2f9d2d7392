//! A service's span for each gRPC call, under the caller's.
//!
//! The caller's place in the trace arrives in the call's metadata — HTTP/2 headers, where
//! the gateway wrote `traceparent` — and the call's span is made its child, so that the
//! service's work, its Redis command included, shows under the gateway's request. A call
//! that ends in an error status marks its span an error, as a trace view draws it.

use std::task::{Context, Poll};

use futures::future::BoxFuture;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Puts a span around each gRPC call while this process makes spans.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> tower::Layer<S> for TraceLayer {
    type Service = Traced<S>;

    fn layer(&self, inner: S) -> Traced<S> {
        Traced { inner }
    }
}

/// A service's handlers, each call in a span of its own (what [`TraceLayer`] makes).
#[derive(Debug, Clone)]
pub struct Traced<S> {
    inner: S,
}

impl<S, RequestBody, ReplyBody> tower::Service<http::Request<RequestBody>> for Traced<S>
where
    S: tower::Service<http::Request<RequestBody>, Response = http::Response<ReplyBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    // ANCHOR: span
    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        if !super::tracing() {
            return Box::pin(self.inner.call(request));
        }
        // `/hello.Greeter/SayHello`: the span is named `hello.Greeter/SayHello`, as
        // OpenTelemetry's conventions for RPC name it.
        let path = request.uri().path();
        let span = tracing::info_span!(
            target: super::SPANS,
            "grpc",
            otel.name = path.trim_start_matches('/'),
            otel.kind = "server",
            rpc.system = "grpc",
            otel.status_code = tracing::field::Empty,
        );
        let _ = span.set_parent(super::parent_from(request.headers()));
        let answer = self.inner.call(request).instrument(span.clone());
        Box::pin(async move {
            let reply = answer.await?;
            // A call that fails before any reply has its status in the headers.
            let failed = reply
                .headers()
                .get("grpc-status")
                .is_some_and(|status| status.as_bytes() != b"0");
            if failed {
                span.record("otel.status_code", "ERROR");
            }
            Ok(reply)
        })
    }
    // ANCHOR_END: span
}
