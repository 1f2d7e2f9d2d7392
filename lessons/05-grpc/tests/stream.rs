//! `grpc.stream`: SayHelloStream sends `count` replies one `every` apart, made on a task
//! that is counted while it runs and that stops soon after the client hangs up.

mod support;

use std::time::{Duration, Instant};

use l05_grpc::exercises::stream::StreamingGreeter;
use l05_grpc::live_streams::LiveStreams;
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::GreeterServer;
use proto::hello::{HelloRequest, HelloStreamRequest};
use testkit::within;
use tokio_stream::StreamExt;
use tonic::transport::Channel;
use tonic::{Code, Streaming};

/// Serves a StreamingGreeter that sends one reply every `every`; returns a client, the
/// server's address and the greeter's gauge of live streams.
async fn start(every: Duration) -> (GreeterClient<Channel>, String, LiveStreams) {
    let live = LiveStreams::new();
    let greeter = StreamingGreeter {
        every,
        live: live.clone(),
    };
    let router = l05_grpc::server::builder().add_service(GreeterServer::new(greeter));
    let addr = support::serve(router).await;
    (
        GreeterClient::new(support::connect(&addr).await),
        addr,
        live,
    )
}

/// Starts one SayHelloStream call.
async fn open(
    client: &mut GreeterClient<Channel>,
    name: &str,
    count: u32,
) -> Streaming<proto::hello::HelloReply> {
    let request = HelloStreamRequest {
        name: name.into(),
        count,
    };
    within("the start of the stream", client.say_hello_stream(request))
        .await
        .unwrap_or_else(|status| panic!("SayHelloStream failed with {status:?}"))
        .into_inner()
}

/// Reads every reply of a stream to its end, and fails if any is an error.
async fn all_replies(mut replies: Streaming<proto::hello::HelloReply>) -> Vec<String> {
    let mut messages = Vec::new();
    let deadline = Instant::now() + testkit::PATIENCE;
    while let Some(reply) = within("the next reply or the end", replies.next()).await {
        let reply = reply.unwrap_or_else(|status| panic!("the stream failed with {status:?}"));
        messages.push(reply.message);
        assert!(
            Instant::now() < deadline,
            "the stream should end within {:?}; it sent {messages:?}",
            testkit::PATIENCE
        );
    }
    messages
}

#[tokio::test]
async fn count_replies_one_every_tick_then_the_end() {
    const EVERY: Duration = Duration::from_millis(40);
    let (mut client, _, live) = start(EVERY).await;
    let started = Instant::now();
    let replies = all_replies(open(&mut client, "Ferris", 3).await).await;
    let took = started.elapsed();
    assert_eq!(
        replies,
        [
            "Hello Ferris! (1 of 3)",
            "Hello Ferris! (2 of 3)",
            "Hello Ferris! (3 of 3)"
        ]
    );
    // The first at once, then two ticks: all three at once is not paced.
    assert!(
        took >= 2 * EVERY,
        "3 replies one {EVERY:?} apart take at least {:?}, these came in {took:?}",
        2 * EVERY
    );
    within("the producing task to end with its stream", live.idle()).await;
}

#[tokio::test]
async fn count_zero_is_an_empty_stream_and_an_empty_name_is_refused() {
    let (mut client, _, _) = start(Duration::from_millis(10)).await;
    assert_eq!(
        all_replies(open(&mut client, "Ferris", 0).await).await,
        Vec::<String>::new()
    );
    let request = HelloStreamRequest {
        name: "  ".into(),
        count: 3,
    };
    let status = within(
        "SayHelloStream with an empty name",
        client.say_hello_stream(request),
    )
    .await
    .expect_err("an empty name should be refused");
    assert_eq!(status.code(), Code::InvalidArgument, "got {status:?}");
}

#[tokio::test]
async fn a_client_that_hangs_up_stops_the_task() {
    // A million replies 10 ms apart: close to three hours, unless the task stops.
    let (mut client, addr, live) = start(Duration::from_millis(10)).await;
    let mut replies = open(&mut client, "Ferris", 1_000_000).await;
    for n in 1..=2 {
        let reply = within("a reply", replies.next())
            .await
            .expect("the stream ended after fewer than 2 replies")
            .unwrap_or_else(|status| panic!("the stream failed with {status:?}"));
        assert_eq!(reply.message, format!("Hello Ferris! ({n} of 1000000)"));
    }
    assert_eq!(
        live.now(),
        1,
        "while the replies come, the task making them should hold `self.live.enter()`"
    );
    // Hang up: dropping the stream cancels the call (HTTP/2 RST_STREAM), tonic drops the
    // receiving end, and the task should notice and stop.
    drop(replies);
    drop(client);
    within(
        "the producing task to stop after the client hung up",
        live.idle(),
    )
    .await;

    let mut client = GreeterClient::new(support::connect(&addr).await);
    let reply = within(
        "SayHello after the early hang-up",
        client.say_hello(HelloRequest {
            name: "again".into(),
        }),
    )
    .await
    .expect("the server should still serve");
    assert_eq!(reply.into_inner().message, "Hello again!");
}
