//! `grpc.say-hello`: SayHello and SayName answer a real client over a real connection.

mod support;

use l05_grpc::exercises::say_hello::MyGreeter;
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::GreeterServer;
use proto::hello::{HelloRequest, NameRequest};
use testkit::within;
use tonic::transport::Channel;

/// Serves `MyGreeter` on a free port and connects a client to it.
async fn start() -> GreeterClient<Channel> {
    support::greeter_client(l05_grpc::server::builder().add_service(GreeterServer::new(MyGreeter)))
        .await
}

#[tokio::test]
async fn say_hello_greets_by_name() {
    let mut client = start().await;
    for name in ["Ferris", "Gopher", "Ада"] {
        let reply = within(
            "the SayHello reply",
            client.say_hello(HelloRequest { name: name.into() }),
        )
        .await
        .unwrap_or_else(|status| panic!("SayHello({name:?}) failed with {status:?}"));
        assert_eq!(
            reply.into_inner().message,
            format!("Hello {name}!"),
            "SayHello{{name: {name:?}}} should reply \"Hello {name}!\""
        );
    }
}

#[tokio::test]
async fn say_name_answers_with_the_name() {
    let mut client = start().await;
    for name in ["Ferris", "Gopher"] {
        let reply = within(
            "the SayName reply",
            client.say_name(NameRequest { name: name.into() }),
        )
        .await
        .unwrap_or_else(|status| panic!("SayName({name:?}) failed with {status:?}"));
        assert_eq!(
            reply.into_inner().message,
            format!("My name is {name}"),
            "SayName{{name: {name:?}}} should reply \"My name is {name}\""
        );
    }
}
