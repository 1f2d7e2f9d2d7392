//! The worked example end to end: the Greeter, health, reflection, and a graceful shutdown.

use crate::support;

use std::sync::Arc;

use l05_grpc::greeter::{GreeterService, ReplyStream};
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use testkit::within;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio_stream::StreamExt;
use tonic::{Code, Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;

use support::{connect, worked_example as start};
use testkit::grpc::GreeterHealth;

#[tokio::test]
async fn unary_calls_answer() {
    let mut greeter = GreeterClient::new(connect(&start().await).await);
    let hello = within(
        "SayHello",
        greeter.say_hello(HelloRequest {
            name: "Ferris".into(),
        }),
    )
    .await
    .expect("SayHello");
    assert_eq!(hello.into_inner().message, "Hello Ferris!");
    let name = within(
        "SayName",
        greeter.say_name(NameRequest {
            name: "Ferris".into(),
        }),
    )
    .await
    .expect("SayName");
    assert_eq!(name.into_inner().message, "My name is Ferris");
}

#[tokio::test]
async fn an_empty_name_is_invalid_argument() {
    let mut greeter = GreeterClient::new(connect(&start().await).await);
    let status = within("SayHello", greeter.say_hello(HelloRequest::default()))
        .await
        .expect_err("an empty name is refused");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(status.message(), "name must not be empty");
}

#[tokio::test]
async fn the_stream_sends_count_replies() {
    let mut greeter = GreeterClient::new(connect(&start().await).await);
    let request = HelloStreamRequest {
        name: "Ferris".into(),
        count: 3,
    };
    let replies = within("SayHelloStream", greeter.say_hello_stream(request))
        .await
        .expect("SayHelloStream")
        .into_inner();
    let messages: Vec<String> =
        within("every reply", replies.map(|r| r.unwrap().message).collect()).await;
    assert_eq!(
        messages,
        [
            "Hello Ferris! (1 of 3)",
            "Hello Ferris! (2 of 3)",
            "Hello Ferris! (3 of 3)"
        ]
    );
}

#[tokio::test]
async fn health_says_serving() {
    let addr = start().await;
    for service in ["hello.Greeter", ""] {
        let status = within("Check", l05_grpc::client::check_health(&addr, service))
            .await
            .expect("Check");
        assert_eq!(status, ServingStatus::Serving, "service {service:?}");
    }
}

#[tokio::test]
async fn reflection_lists_the_services_in_both_versions() {
    use tonic_reflection::pb::{v1, v1alpha};
    let channel = connect(&start().await).await;

    let mut reflection = v1::server_reflection_client::ServerReflectionClient::new(channel.clone());
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut replies = within(
        "v1 reflection",
        reflection.server_reflection_info(tokio_stream::iter([request])),
    )
    .await
    .expect("v1 ServerReflectionInfo")
    .into_inner();
    let reply = within("the v1 list", replies.message())
        .await
        .expect("a v1 reply")
        .expect("one message");
    let Some(v1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        reply.message_response
    else {
        panic!("expected a list of services, got {reply:?}");
    };
    let names: Vec<&str> = list.service.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "hello.Greeter",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }

    // Older tools ask v1alpha for the file that defines a symbol.
    let mut reflection = v1alpha::server_reflection_client::ServerReflectionClient::new(channel);
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(
                "hello.Greeter".into(),
            ),
        ),
    };
    let mut replies = within(
        "v1alpha reflection",
        reflection.server_reflection_info(tokio_stream::iter([request])),
    )
    .await
    .expect("v1alpha ServerReflectionInfo")
    .into_inner();
    let reply = within("the v1alpha file", replies.message())
        .await
        .expect("a v1alpha reply")
        .expect("one message");
    let Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(file)) =
        reply.message_response
    else {
        panic!("expected a file descriptor, got {reply:?}");
    };
    assert!(!file.file_descriptor_proto.is_empty());
}

/// A Greeter whose SayHello says when it has started, then waits to be let go.
struct GatedGreeter {
    started: Arc<Notify>,
    release: Arc<Notify>,
}

#[tonic::async_trait]
impl Greeter for GatedGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        self.started.notify_one();
        // deadline: a service of the test's own, held until the test releases it; the test
        // waits for its reply within a bound
        self.release.notified().await;
        GreeterService.say_hello(request).await
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

#[tokio::test]
async fn shutdown_turns_health_off_then_finishes_calls_in_flight() {
    let (started, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let greeter = GatedGreeter {
        started: started.clone(),
        release: release.clone(),
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address").to_string();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(l05_grpc::server::serve_greeter(listener, greeter, async {
        let _ = stopped.await;
    }));

    let channel = connect(&addr).await;
    let mut health = GreeterHealth::watch(channel.clone()).await;
    assert_eq!(health.next().await, ServingStatus::Serving);

    // A call is in flight when the shutdown begins.
    let mut greeter = GreeterClient::new(channel);
    let call = tokio::spawn(async move {
        greeter
            .say_hello(HelloRequest {
                name: "Ferris".into(),
            })
            .await
    });
    within("the call to start", started.notified()).await;
    stop.send(()).expect("the server is running");

    // First the health service says so; then the call finishes as usual.
    assert_eq!(health.next().await, ServingStatus::NotServing);
    drop(health);
    release.notify_one();
    let reply = within("the call in flight", call)
        .await
        .expect("the call's task")
        .expect("the call in flight finishes normally");
    assert_eq!(reply.into_inner().message, "Hello Ferris!");

    within("the server to stop", server)
        .await
        .expect("the server's task")
        .expect("the server stops cleanly");
    let refused = l05_grpc::client::connect(&addr).await;
    assert!(refused.is_err(), "a stopped server accepts no connections");
}
