//! `grpc.deadline`: a call to a fast server answers; a call to a server that never answers
//! ends with `DeadlineExceeded` once the deadline passes, and the server was told the
//! deadline (the call carried a `grpc-timeout` header).

mod support;

use std::time::Duration;

use l05_grpc::exercises::deadline::say_hello_within;
use l05_grpc::greeter::{GreeterService, ReplyStream};
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use testkit::within;
use tokio::sync::mpsc;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

/// A Greeter whose SayHello never answers: it waits for nothing, forever. It first tells
/// the test what deadline the call brought (the `grpc-timeout` header, if any), as a server
/// sees it.
struct StuckGreeter {
    deadlines: mpsc::UnboundedSender<Option<String>>,
}

#[tonic::async_trait]
impl Greeter for StuckGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let deadline = request
            .metadata()
            .get("grpc-timeout")
            .map(|value| value.to_str().unwrap_or("(not text)").to_owned());
        let _ = self.deadlines.send(deadline);
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
    let (deadlines, mut told) = mpsc::unbounded_channel();
    let mut client = client_of(StuckGreeter { deadlines }).await;
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
    // A timeout kept by the caller alone also ends the wait, but the server, told nothing,
    // would go on working for a caller who has left.
    let deadline = within("the stuck server to receive the call", told.recv())
        .await
        .expect("the stuck server received no call");
    assert!(
        deadline.is_some(),
        "the server was told no deadline: the call carried no grpc-timeout header, so only the client watched the clock"
    );
}
