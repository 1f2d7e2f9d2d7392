//! A balanced channel fed by the watcher: `cargo test -p l07-discover --test balance`.
//!
//! tonic's balanced channel picks among its endpoints at random (power of two choices with
//! every load equal) and never drops one by itself: an instance that is gone keeps getting
//! calls, which fail, until it is removed.

mod support;

use std::collections::HashSet;

use l07_discover::exercises::balance::feed_balance;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use shared::discovery::Healthy;
use support::Greeter;
use testkit::within;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

/// A balanced channel whose endpoints `feed_balance` keeps in step with `healthy`.
struct Balanced {
    client: GreeterClient<Channel>,
    feed: JoinHandle<()>,
}

fn balanced(healthy: watch::Receiver<Healthy>) -> Balanced {
    let (channel, changes) = Channel::balance_channel(16);
    let feed = tokio::spawn(feed_balance(healthy, changes));
    Balanced {
        client: GreeterClient::new(channel),
        feed,
    }
}

/// One call; the ID of the instance that answered it.
async fn call(balanced: &mut Balanced) -> String {
    let mut client = balanced.client.clone();
    let reply = within(
        "a call through the balanced channel (an empty channel waits for an endpoint)",
        async {
            tokio::select! {
                reply = client.say_hello(HelloRequest { name: "Ferris".into() }) => reply,
                ended = &mut balanced.feed => panic!("feed_balance ended while the watcher runs: {ended:?}"),
            }
        },
    )
    .await
    .expect("the call");
    let id = reply.metadata().get("x-instance").expect("x-instance");
    id.to_str().unwrap().to_string()
}

#[tokio::test]
async fn every_passing_instance_gets_calls() {
    let a = Greeter::start("greeter-a").await;
    let b = Greeter::start("greeter-b").await;
    let (_publish, healthy) = watch::channel(Some(vec![a.entry(), b.entry()]));
    let mut client = balanced(healthy);

    let mut seen = HashSet::new();
    for _ in 0..40 {
        seen.insert(call(&mut client).await);
    }
    assert_eq!(
        seen,
        HashSet::from(["greeter-a".to_string(), "greeter-b".to_string()])
    );
}

#[tokio::test]
async fn an_instance_that_appears_is_added() {
    let a = Greeter::start("greeter-a").await;
    let b = Greeter::start("greeter-b").await;
    let (publish, healthy) = watch::channel(Some(vec![a.entry()]));
    let mut client = balanced(healthy);
    assert_eq!(call(&mut client).await, "greeter-a");

    publish.send_replace(Some(vec![a.entry(), b.entry()]));
    within("a call answered by the new instance", async {
        while call(&mut client).await != "greeter-b" {}
    })
    .await;
}

#[tokio::test]
async fn an_instance_that_discovery_drops_gets_no_more_calls() {
    let a = Greeter::start("greeter-a").await;
    let b = Greeter::start("greeter-b").await;
    let (publish, healthy) = watch::channel(Some(vec![a.entry(), b.entry()]));
    let mut client = balanced(healthy);
    assert!(!call(&mut client).await.is_empty());

    // Consul says b is gone (it failed its check, or deregistered).
    publish.send_replace(Some(vec![a.entry()]));
    // Once the channel has heard, every call goes to a. By chance alone (b still in the
    // channel) 30 in a row would happen once in a billion runs.
    within("30 calls in a row answered by greeter-a", async {
        let mut in_a_row = 0;
        while in_a_row < 30 {
            in_a_row = if call(&mut client).await == "greeter-a" {
                in_a_row + 1
            } else {
                0
            };
        }
    })
    .await;

    // Now b really stops: no call may fail.
    b.stop().await;
    for n in 0..50 {
        let mut client = client.client.clone();
        let reply = within(
            "a call",
            client.say_hello(HelloRequest {
                name: "Ferris".into(),
            }),
        )
        .await;
        assert!(reply.is_ok(), "call {n} failed: {reply:?}");
    }
}

#[tokio::test]
async fn the_feed_ends_with_the_watcher() {
    let a = Greeter::start("greeter-a").await;
    let (publish, healthy) = watch::channel(Some(vec![a.entry()]));
    let (_channel, changes) = Channel::balance_channel(16);
    let feed = tokio::spawn(feed_balance(healthy, changes));
    drop(publish);
    within("feed_balance to return once the watcher is gone", feed)
        .await
        .expect("feed_balance panicked");
}

#[tokio::test]
async fn an_unknown_set_adds_nothing_and_waits() {
    let a = Greeter::start("greeter-a").await;
    let (publish, healthy) = watch::channel(None);
    let mut client = balanced(healthy);
    publish.send_replace(Some(vec![a.entry()]));
    assert_eq!(call(&mut client).await, "greeter-a");
}
