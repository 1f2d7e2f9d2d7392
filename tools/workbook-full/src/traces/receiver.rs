//! The OTLP receiver: where services send their spans, by either of OTLP's two protocols.
//!
//! OTLP is one message, `ExportTraceServiceRequest` (resources, each with its spans), sent
//! one of two ways: a gRPC call of `TraceService/Export` (OpenTelemetry's SDKs' usual way,
//! and micro's), or an HTTP `POST /v1/traces` whose body is the same message in protobuf.
//! Both are served on one port, so that `OTEL_EXPORTER_OTLP_ENDPOINT` set to it works for
//! either: tonic's server takes the HTTP/2 gRPC calls and, with HTTP/1.1 allowed, the POSTs.
//!
//! Anyone on the machine may send anything: a request over [`MAX_REQUEST`] bytes, or one
//! that is not an OTLP message, is refused with an error status before it reaches the
//! store; at most [`AT_ONCE`] requests are read at a time, each within [`REQUEST_TIME`].

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message as _;
use tokio::net::TcpListener;

use super::store::{Added, Store};

/// The largest export taken, either way: an SDK's batch of 512 spans is well under it.
pub const MAX_REQUEST: usize = 4 * 1024 * 1024;

/// How many exports are read and stored at once; the next ones wait.
pub const AT_ONCE: usize = 16;

/// The longest an export may take to arrive and be stored.
pub const REQUEST_TIME: Duration = Duration::from_secs(10);

/// OTLP/HTTP's binary encoding.
const PROTOBUF: &str = "application/x-protobuf";

/// Serves OTLP on `listener` until the task is dropped, keeping what arrives in `store`.
pub async fn serve(
    listener: TcpListener,
    store: Arc<Store>,
) -> Result<(), tonic::transport::Error> {
    let grpc = TraceServiceServer::new(Grpc(store.clone())).max_decoding_message_size(MAX_REQUEST);
    let http = axum::Router::new()
        .route("/v1/traces", post(export_http))
        .layer(DefaultBodyLimit::max(MAX_REQUEST))
        .with_state(store);
    let routes = tonic::service::Routes::from(http).add_service(grpc);
    shared::grpc::builder()
        .accept_http1(true)
        .timeout(REQUEST_TIME)
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(AT_ONCE))
        .add_routes(routes)
        .serve_with_incoming(shared::grpc::incoming(listener))
        .await
}

/// What OTLP answers an export: nothing, or how many spans were refused and why.
fn response(added: Added) -> ExportTraceServiceResponse {
    let partial_success = (added.rejected > 0).then(|| ExportTracePartialSuccess {
        rejected_spans: added.rejected as i64,
        error_message: "spans without a valid trace id and span id were refused".into(),
    });
    ExportTraceServiceResponse { partial_success }
}

/// `TraceService/Export` over gRPC: tonic has decoded the message (or answered an error
/// status for bytes that are not one, or too many).
struct Grpc(Arc<Store>);

#[tonic::async_trait]
impl TraceService for Grpc {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let added = self.0.add(request.into_inner());
        Ok(tonic::Response::new(response(added)))
    }
}

/// `POST /v1/traces`: the body in protobuf, as OTLP/HTTP sends it. The body over
/// [`MAX_REQUEST`] is refused by axum's limit (413) before it is read whole.
async fn export_http(State(store): State<Arc<Store>>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with(PROTOBUF) {
        let why = format!("this receiver takes OTLP/HTTP as {PROTOBUF}, not {content_type:?}");
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, why);
    }
    let encoded = headers.get(header::CONTENT_ENCODING);
    if encoded.is_some_and(|encoding| encoding != "identity") {
        let why = "this receiver takes uncompressed bodies: no Content-Encoding".to_string();
        return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, why);
    }
    let export = match ExportTraceServiceRequest::decode(body) {
        Ok(export) => export,
        Err(error) => {
            let why = format!("the body is not an ExportTraceServiceRequest: {error}");
            return refuse(StatusCode::BAD_REQUEST, why);
        }
    };
    let answer = response(store.add(export)).encode_to_vec();
    protobuf(StatusCode::OK, answer)
}

/// `google.rpc.Status`, the body OTLP/HTTP answers an error with.
#[derive(Clone, PartialEq, prost::Message)]
struct RpcStatus {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(string, tag = "2")]
    message: String,
}

/// An error answer: its status, and the reason in the body, as OTLP/HTTP says.
fn refuse(status: StatusCode, why: String) -> Response {
    // gRPC's codes: 3 INVALID_ARGUMENT for what cannot be read.
    let body = RpcStatus {
        code: 3,
        message: why,
    };
    protobuf(status, body.encode_to_vec())
}

fn protobuf(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROTOBUF));
    response
}
