//! `grpc.invalid-argument`: a bad name is refused with `InvalidArgument` and a message; a
//! good one is greeted.

mod support;

use l05_grpc::exercises::invalid_argument::CheckedGreeter;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::GreeterServer;
use testkit::within;
use tonic::transport::Channel;
use tonic::{Code, Status};

/// Serves `CheckedGreeter` on a free port and connects a client to it.
async fn start() -> GreeterClient<Channel> {
    let router = l05_grpc::server::builder().add_service(GreeterServer::new(CheckedGreeter));
    support::greeter_client(router).await
}

async fn say_hello(client: &mut GreeterClient<Channel>, name: &str) -> Result<String, Status> {
    let request = HelloRequest { name: name.into() };
    let reply = within("the SayHello reply", client.say_hello(request)).await?;
    Ok(reply.into_inner().message)
}

/// What `SayHello(name)` is refused with, once the test has checked that it is refused,
/// and with `InvalidArgument`.
async fn refused(client: &mut GreeterClient<Channel>, name: &str) -> Status {
    let status = say_hello(client, name)
        .await
        .expect_err(&format!("SayHello({name:?}) should fail, but it answered"));
    assert_eq!(
        status.code(),
        Code::InvalidArgument,
        "SayHello({name:?}) should fail with InvalidArgument, got {status:?}"
    );
    status
}

#[tokio::test]
async fn an_empty_name_is_invalid_argument_with_a_message() {
    let mut client = start().await;
    for name in ["", "   "] {
        let status = refused(&mut client, name).await;
        assert!(
            status.message().contains("empty"),
            "the message should say the name is empty, got {:?}",
            status.message()
        );
    }
}

#[tokio::test]
async fn a_name_over_100_characters_is_invalid_argument() {
    let mut client = start().await;
    let name = "x".repeat(101);
    let status = refused(&mut client, &name).await;
    assert!(
        !status.message().is_empty(),
        "the status should carry a message for the caller"
    );
}

#[tokio::test]
async fn a_name_with_a_control_character_is_invalid_argument() {
    let mut client = start().await;
    for name in ["Fer\nris", "Ferris\0", "\u{1b}[31mFerris", "Fer\u{7f}ris"] {
        let status = refused(&mut client, name).await;
        assert!(
            status.message().contains("control"),
            "the message should say the name holds a control character, got {:?}",
            status.message()
        );
    }
}

#[tokio::test]
async fn good_names_are_greeted_without_the_whitespace_around_them() {
    let mut client = start().await;
    // 100 characters is allowed, even when they take 200 bytes, and the whitespace around a
    // name (spaces, a tab) is no part of it.
    let hundred = "x".repeat(100);
    let accents = "é".repeat(100);
    let padded = format!("  {hundred}\t ");
    for (name, greeted) in [
        ("Ferris", "Ferris"),
        ("  Ferris  ", "Ferris"),
        ("Grace Hopper", "Grace Hopper"),
        (hundred.as_str(), hundred.as_str()),
        (accents.as_str(), accents.as_str()),
        (padded.as_str(), hundred.as_str()),
    ] {
        let greeting = say_hello(&mut client, name)
            .await
            .unwrap_or_else(|status| panic!("SayHello({name:?}) failed with {status:?}"));
        assert_eq!(
            greeting,
            format!("Hello {greeted}!"),
            "the greeting for {name:?}"
        );
    }
}
