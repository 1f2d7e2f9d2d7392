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

/// The name to greet: `name` without the whitespace around it (spaces, tabs, newlines),
/// which must be 1 to [`MAX_NAME_CHARS`] characters long and hold no control character (a
/// newline, a NUL, an escape: names end up in logs and on screens, where those forge lines
/// and colours).
/// Anything else is `InvalidArgument`, with a message that says what to fix: that the name
/// is empty; how long it is and the most allowed; or that it holds a control character.
pub fn check_name(name: &str) -> Result<&str, Status> {
    // TODO: the name to greet, or the refusal, as the doc comment says.
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
