//! The Greeter service: the business logic behind `hello.Greeter`, and nothing else.
//!
//! Lesson 05's worked example, served again by the later lessons (registered in Consul,
//! discovered, stopped cleanly).
//!
//! tonic generates a trait from `proto/hello.proto` with one async method per rpc; a service
//! is any type that implements it. Everything about HTTP/2, framing and protobuf happens
//! around these methods, so they stay as small as the Go handlers they replace.

use std::pin::Pin;

use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tokio_stream::{Stream, StreamExt as _};
use tonic::{Request, Response, Status};

/// What a server-streaming method returns: replies (or one final error) as they are made.
/// A boxed stream, because the concrete type of an iterator adaptor cannot be named.
pub type ReplyStream = Pin<Box<dyn Stream<Item = Result<HelloReply, Status>> + Send>>;

/// The `hello.Greeter` service of the worked example. It holds no state, so tonic can share
/// one instance between every connection and every call.
#[derive(Debug, Default, Clone, Copy)]
pub struct GreeterService;

// ANCHOR: check_name
/// A name is required: an empty one is the caller's mistake, so it gets `InvalidArgument`
/// (gRPC's 400) with a message that says what to fix, and no reply value.
pub fn check_name(name: &str) -> Result<&str, Status> {
    if name.trim().is_empty() {
        return Err(Status::invalid_argument("name must not be empty"));
    }
    Ok(name)
}
// ANCHOR_END: check_name

// ANCHOR: greeter
#[tonic::async_trait]
impl Greeter for GreeterService {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let name = check_name(&request.get_ref().name)?;
        let message = format!("Hello {name}!");
        Ok(Response::new(HelloReply { message }))
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        let name = check_name(&request.get_ref().name)?;
        let message = format!("My name is {name}");
        Ok(Response::new(NameReply { message }))
    }

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        let HelloStreamRequest { name, count } = request.into_inner();
        check_name(&name)?;
        // A lazy stream: each reply is made only when HTTP/2 flow control lets it go out,
        // so a huge `count` costs no memory, and a client that hangs up stops the work.
        let replies = tokio_stream::iter(1..=count).map(move |n| {
            let message = format!("Hello {name}! ({n} of {count})");
            Ok(HelloReply { message })
        });
        Ok(Response::new(Box::pin(replies)))
    }
}
// ANCHOR_END: greeter
