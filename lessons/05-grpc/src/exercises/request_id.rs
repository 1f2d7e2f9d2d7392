//! Exercise `grpc.request-id`: metadata, and an interceptor that looks at every call.
//!
//! Metadata is gRPC's name for HTTP/2 headers (and trailers): key-value pairs beside the
//! message. A request id in the metadata lets the logs of every service a call passes
//! through be tied together. An interceptor runs before each call, like a Go
//! `grpc.UnaryInterceptor`: it may read and change the request's metadata, or refuse it.

use std::sync::atomic::{AtomicU64, Ordering};

use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tonic::metadata::MetadataValue;
use tonic::service::interceptor::InterceptedService;
use tonic::{Request, Response, Status};

use crate::greeter::{GreeterService, ReplyStream};

/// The metadata key of the request id. Keys are lowercase ASCII.
pub const REQUEST_ID: &str = "x-request-id";

/// Where fresh request ids come from: `req-1`, `req-2`, ...
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// The interceptor: keeps the caller's `x-request-id`, or gives a call without one a fresh
/// id (`req-<n>`, never the same twice), so that every call has one.
pub fn assign_request_id(mut request: Request<()>) -> Result<Request<()>, Status> {
    // TODO: make sure the call goes on with a REQUEST_ID, as the doc comment says: the
    // caller's own, untouched, or a fresh one. Many calls run at once: no two fresh ids
    // may be the same.
    todo!("grpc.request-id: make sure every call has a request id")
}

/// A Greeter that sends each call's request id back in the response metadata.
#[derive(Debug, Default)]
pub struct EchoIdGreeter;

#[tonic::async_trait]
impl Greeter for EchoIdGreeter {
    /// Greets as usual, with the request's `x-request-id` copied into the response metadata.
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        // TODO: greet as the worked example's GreeterService does, and send the call's
        // request id back to the caller in the response's metadata.
        todo!("grpc.request-id: echo the request id")
    }

    // Not part of this exercise: the worked example answers.
    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        GreeterService.say_name(request).await
    }

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        GreeterService.say_hello_stream(request).await
    }
}

/// What a server registers: the Greeter behind the interceptor.
pub type RequestIdService = InterceptedService<GreeterServer<EchoIdGreeter>, Interceptor>;

/// The interceptor's type: a plain function.
pub type Interceptor = fn(Request<()>) -> Result<Request<()>, Status>;

/// The Greeter with [`assign_request_id`] in front of every call.
pub fn service() -> RequestIdService {
    GreeterServer::with_interceptor(EchoIdGreeter, assign_request_id as Interceptor)
}
