//! `grpc.request-id`: every call gets an `x-request-id` (the caller's, or a fresh one from
//! the interceptor) and finds it again in the response metadata.

mod support;

use l05_grpc::exercises::request_id::{REQUEST_ID, service};
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use testkit::within;
use tonic::Request;
use tonic::transport::Channel;

async fn start() -> GreeterClient<Channel> {
    support::greeter_client(l05_grpc::server::builder().add_service(service())).await
}

/// Calls SayHello, with `request_id` in the metadata if given; returns the greeting and
/// the `x-request-id` of the response metadata.
async fn say_hello(
    client: &mut GreeterClient<Channel>,
    request_id: Option<&str>,
) -> (String, Option<String>) {
    let mut request = Request::new(HelloRequest {
        name: "Ferris".into(),
    });
    if let Some(id) = request_id {
        request
            .metadata_mut()
            .insert(REQUEST_ID, id.parse().expect("an ASCII id"));
    }
    let response = within("the SayHello reply", client.say_hello(request))
        .await
        .unwrap_or_else(|status| panic!("SayHello failed with {status:?}"));
    let echoed = response
        .metadata()
        .get(REQUEST_ID)
        .map(|value| value.to_str().expect("an ASCII id").to_string());
    (response.into_inner().message, echoed)
}

#[tokio::test]
async fn the_callers_request_id_comes_back() {
    let mut client = start().await;
    for id in ["abc-123", "trace-7f3e"] {
        let (greeting, echoed) = say_hello(&mut client, Some(id)).await;
        assert_eq!(greeting, "Hello Ferris!");
        assert_eq!(
            echoed.as_deref(),
            Some(id),
            "the response metadata should carry {REQUEST_ID}: {id}"
        );
    }
}

#[tokio::test]
async fn a_call_without_one_gets_a_fresh_id() {
    let mut client = start().await;
    let (greeting, first) = say_hello(&mut client, None).await;
    assert_eq!(greeting, "Hello Ferris!");
    let first = first.unwrap_or_else(|| {
        panic!("a call without {REQUEST_ID} should get one from the interceptor, echoed back")
    });
    assert!(!first.is_empty(), "the assigned request id is empty");
    let (_, second) = say_hello(&mut client, None).await;
    assert_ne!(
        Some(&first),
        second.as_ref(),
        "two calls should get two different request ids"
    );
}
