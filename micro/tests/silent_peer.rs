//! The client's connections ping their peer while a call is in flight (HTTP/2 keepalive,
//! `micro::client::KEEPALIVE`): a node cut off by the network says nothing, closes nothing,
//! and without the ping a call to it would wait out its whole deadline. With it, the
//! connection is given up after a ping's interval and its timeout, and the call fails as a
//! broken connection does, long before the deadline.

use std::time::{Duration, Instant};

use crate::support::Greeter;
use crate::support::link::Link;
use micro::client::{Channels, KEEPALIVE};
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use testkit::within;
use tonic::{Code, Request};

/// A deadline far beyond what the pings take, so that a failure before it is theirs.
const DEADLINE: Duration = Duration::from_secs(60);

fn hello() -> Request<HelloRequest> {
    let mut request = Request::new(HelloRequest {
        name: "Ada".to_string(),
    });
    request.set_timeout(DEADLINE);
    request
}

#[tokio::test]
async fn a_silent_peer_is_given_up_by_its_pings_not_by_the_deadline() {
    let node = Greeter::start("behind-a-link").await;
    let link = Link::to(&node.node.address).await;
    let behind = crate::support::node("behind-a-link", &link.address);
    let channel = Channels::default().get("greeter", &behind).unwrap();
    let mut greeter = GreeterClient::new(channel);

    // The connection is up and answers.
    let answered = within("a call through the link", greeter.say_hello(hello())).await;
    assert!(answered.is_ok(), "{answered:?}");

    // Cut: the next call is sent into silence.
    link.cut();
    let started = Instant::now();
    let status = within("a call to a silent peer", greeter.say_hello(hello()))
        .await
        .expect_err("no answer crosses a cut link");
    let waited = started.elapsed();

    // Given up by the pings (an interval and a timeout: about two seconds), as a broken
    // connection, not as a deadline passed. The bound is five times that, far below the
    // deadline.
    assert_ne!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        waited < 10 * KEEPALIVE,
        "the silent peer was given up after {waited:?}: {status:?}"
    );
}
