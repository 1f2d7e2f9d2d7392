//! `grpc.stream`: SayHelloStream sends `count` replies and ends; a client may hang up early
//! and the server goes on serving.

mod support;

use l05_grpc::exercises::stream::StreamingGreeter;
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::GreeterServer;
use proto::hello::{HelloRequest, HelloStreamRequest};
use testkit::within;
use tokio_stream::StreamExt;
use tonic::transport::Channel;

async fn start() -> (GreeterClient<Channel>, String) {
    let router = l05_grpc::server::builder().add_service(GreeterServer::new(StreamingGreeter));
    let addr = support::serve(router).await;
    (GreeterClient::new(support::connect(&addr).await), addr)
}

/// Collects every reply of one SayHelloStream call, and fails if any is an error.
async fn all_replies(client: &mut GreeterClient<Channel>, name: &str, count: u32) -> Vec<String> {
    let request = HelloStreamRequest {
        name: name.into(),
        count,
    };
    let mut replies = within("the start of the stream", client.say_hello_stream(request))
        .await
        .unwrap_or_else(|status| panic!("SayHelloStream failed with {status:?}"))
        .into_inner();
    let mut messages = Vec::new();
    while let Some(reply) = within("the next reply or the end", replies.next()).await {
        let reply = reply.unwrap_or_else(|status| panic!("the stream failed with {status:?}"));
        messages.push(reply.message);
    }
    messages
}

#[tokio::test]
async fn count_replies_then_the_end() {
    let (mut client, _) = start().await;
    assert_eq!(
        all_replies(&mut client, "Ferris", 3).await,
        [
            "Hello Ferris! (1 of 3)",
            "Hello Ferris! (2 of 3)",
            "Hello Ferris! (3 of 3)"
        ]
    );
    let five = all_replies(&mut client, "Gopher", 5).await;
    assert_eq!(five.len(), 5, "count 5 should give 5 replies: {five:?}");
    assert_eq!(five[4], "Hello Gopher! (5 of 5)");
}

#[tokio::test]
async fn count_zero_is_an_empty_stream() {
    let (mut client, _) = start().await;
    assert_eq!(
        all_replies(&mut client, "Ferris", 0).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn a_client_may_stop_early() {
    let (mut client, addr) = start().await;
    let request = HelloStreamRequest {
        name: "Ferris".into(),
        count: 1_000_000,
    };
    let mut replies = within("the start of the stream", client.say_hello_stream(request))
        .await
        .unwrap_or_else(|status| panic!("SayHelloStream failed with {status:?}"))
        .into_inner();
    for n in 1..=2 {
        let reply = within("a reply", replies.next())
            .await
            .expect("the stream ended after fewer than 2 replies")
            .unwrap_or_else(|status| panic!("the stream failed with {status:?}"));
        assert_eq!(reply.message, format!("Hello Ferris! ({n} of 1000000)"));
    }
    // Hang up: dropping the stream cancels the call (HTTP/2 RST_STREAM) and dropping the
    // client closes the connection.
    drop(replies);
    drop(client);

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
