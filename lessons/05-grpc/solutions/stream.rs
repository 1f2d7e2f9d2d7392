//! Exercise `grpc.stream`: a server-streaming method.
//!
//! One request, many replies: the method returns a `Stream`, and tonic sends each item as
//! its own gRPC message as soon as it is ready, then ends the call with `grpc-status: 0`.
//! If the client hangs up early, tonic drops the stream and the work stops.

use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tonic::{Request, Response, Status};

use crate::greeter::{GreeterService, ReplyStream};

/// A Greeter with your SayHelloStream.
#[derive(Debug, Default)]
pub struct StreamingGreeter;

#[tonic::async_trait]
impl Greeter for StreamingGreeter {
    // Not part of this exercise: the worked example answers.
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        GreeterService.say_hello(request).await
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        GreeterService.say_name(request).await
    }

    type SayHelloStreamStream = ReplyStream;

    /// `SayHelloStream{name: "Ferris", count: 3}` → three replies, "Hello Ferris! (1 of 3)",
    /// "Hello Ferris! (2 of 3)", "Hello Ferris! (3 of 3)", then the stream ends.
    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        let HelloStreamRequest { name, count } = request.into_inner();
        let replies = (1..=count).map(move |n| {
            Ok(HelloReply {
                message: format!("Hello {name}! ({n} of {count})"),
            })
        });
        Ok(Response::new(Box::pin(tokio_stream::iter(replies))))
    }
}
