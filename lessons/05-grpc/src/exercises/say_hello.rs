//! Exercise `grpc.say-hello`: the two unary methods of `hello.Greeter`.
//!
//! A unary method takes one request and gives one reply. The request arrives wrapped in a
//! `tonic::Request` (the message plus its metadata, gRPC's headers); the reply goes back
//! wrapped in a `tonic::Response`, or the call fails with a `tonic::Status`.

use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tonic::{Request, Response, Status};

use crate::greeter::{GreeterService, ReplyStream};

/// Your Greeter.
#[derive(Debug, Default)]
pub struct MyGreeter;

#[tonic::async_trait]
impl Greeter for MyGreeter {
    /// `SayHello{name: "Ferris"}` → `HelloReply{message: "Hello Ferris!"}`.
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        // TODO: take the name out of the request and reply "Hello <name>!".
        todo!("grpc.say-hello: reply to SayHello")
    }

    /// `SayName{name: "Ferris"}` → `NameReply{message: "My name is Ferris"}`.
    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        // TODO: take the name out of the request and reply "My name is <name>".
        todo!("grpc.say-hello: reply to SayName")
    }

    // Not part of this exercise: the worked example answers.
    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        GreeterService.say_hello_stream(request).await
    }
}
