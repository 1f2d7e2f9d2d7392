//! `grpc.deadline`: a call to a fast server answers; a call to a server that never answers
//! ends with `DeadlineExceeded` once the deadline passes.

mod support;

use std::time::Duration;

use l05_grpc::exercises::deadline::say_hello_within;
use l05_grpc::greeter::{GreeterService, ReplyStream};
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use testkit::within;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

/// A Greeter whose SayHello never answers: it waits for nothing, forever.
struct StuckGreeter;

#[tonic::async_trait]
impl Greeter for StuckGreeter {
    async fn say_hello(&self, _: Request<HelloRequest>) -> Result<Response<HelloReply>, Status> {
        std::future::pending().await
    }

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

async fn client_of<G: Greeter>(greeter: G) -> GreeterClient<Channel> {
    support::greeter_client(l05_grpc::server::builder().add_service(GreeterServer::new(greeter)))
        .await
}

#[tokio::test]
async fn a_fast_server_answers_within_the_deadline() {
    let mut client = client_of(GreeterService).await;
    let greeting = within(
        "SayHello with a 2 s deadline",
        say_hello_within(&mut client, "Ferris", Duration::from_secs(2)),
    )
    .await
    .unwrap_or_else(|status| panic!("SayHello failed with {status:?}"));
    assert_eq!(greeting, "Hello Ferris!");
}

#[tokio::test]
async fn a_stuck_server_ends_in_deadline_exceeded() {
    let mut client = client_of(StuckGreeter).await;
    // `within` gives up after seconds: an answer without a deadline waits that long.
    let outcome = within(
        "SayHello with a 100 ms deadline to a server that never answers",
        say_hello_within(&mut client, "Ferris", Duration::from_millis(100)),
    )
    .await;
    let status = outcome.expect_err("the stuck server cannot have answered");
    assert_eq!(
        status.code(),
        Code::DeadlineExceeded,
        "the call should end with DeadlineExceeded, got {status:?}"
    );
}
