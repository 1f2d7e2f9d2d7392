//! Exercise `grpc.invalid-argument`: refuse a bad request with the right status code.
//!
//! gRPC has no "error reply": a call either returns its reply or fails with a `Status`, a
//! code from a fixed list of 17 plus a message for people. `InvalidArgument` says "your
//! request is wrong, do not retry it as it is", unlike `Unavailable` ("try again") or
//! `Internal` ("our fault").

use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use tonic::{Request, Response, Status};

use crate::greeter::{GreeterService, ReplyStream};

/// The longest name the Greeter accepts, in characters (not bytes).
pub const MAX_NAME_CHARS: usize = 100;

/// Accepts a name of 1 to [`MAX_NAME_CHARS`] characters that is not only spaces; anything
/// else is `InvalidArgument` with a message that tells the caller what to fix.
pub fn check_name(name: &str) -> Result<&str, Status> {
    // TODO: refuse what the doc comment refuses, with a message that names the problem (and
    // for a long name, its length and the limit); let every other name through as it is.
    todo!("grpc.invalid-argument: check the name")
}

/// A Greeter that checks every name with [`check_name`] before it answers.
#[derive(Debug, Default)]
pub struct CheckedGreeter;

#[tonic::async_trait]
impl Greeter for CheckedGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let name = check_name(&request.get_ref().name)?;
        Ok(Response::new(HelloReply {
            message: format!("Hello {name}!"),
        }))
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        let name = check_name(&request.get_ref().name)?;
        Ok(Response::new(NameReply {
            message: format!("My name is {name}"),
        }))
    }

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        check_name(&request.get_ref().name)?;
        GreeterService.say_hello_stream(request).await
    }
}
