//! A subscriber that stops drains: what the server had already handed it is handled, once,
//! and (on JetStream) acknowledged, before its subscription ends.
//!
//! Each test holds the handler on the first of three messages, so that the other two wait in
//! the client's buffer, stops the subscription, and only then lets the handler go.

use std::time::Duration;

use async_nats::jetstream::consumer::pull;
use futures::FutureExt;
use micro::broker::nats::NatsBroker;
use micro::broker::nats::jetstream::{DurableOptions, stream_name};
use micro::broker::{Broker, Handler, Message, SubscribeOptions, handler};
use testkit::within;
use tokio::sync::{mpsc, watch};

/// A handler that reports each body it is given, and holds the first one until `release`
/// turns true.
fn held_handler() -> (
    Handler,
    mpsc::UnboundedReceiver<String>,
    watch::Sender<bool>,
) {
    let (seen, bodies) = mpsc::unbounded_channel();
    let (release, released) = watch::channel(false);
    let handle = handler(move |event| {
        let (seen, mut released) = (seen.clone(), released.clone());
        async move {
            let body = String::from_utf8_lossy(&event.message.body).to_string();
            let first = body.ends_with("-1");
            let _ = seen.send(body);
            if first {
                let _ = released.wait_for(|released| *released).await;
            }
            Ok(())
        }
    });
    (handle, bodies, release)
}

/// Waits until the server has answered a request of `broker`'s client: everything it had
/// sent that client before has been read by it.
async fn round_trip(broker: &NatsBroker) {
    let client = broker.client();
    let nobody = client.new_inbox();
    let _ = within("a round trip to NATS", client.request(nobody, "".into())).await;
}

/// Every body still reported, once the handler can be called no more.
fn the_rest(mut bodies: mpsc::UnboundedReceiver<String>) -> Vec<String> {
    let mut rest = Vec::new();
    while let Ok(body) = bodies.try_recv() {
        rest.push(body);
    }
    rest
}

#[tokio::test]
async fn a_core_nats_subscriber_that_stops_unsubscribes_first_then_handles_what_it_had() {
    let server = testkit::nats().await;
    let broker = NatsBroker::connect(&server.url()).await.unwrap();
    let (handle, mut bodies, release) = held_handler();
    let subscription = broker
        .subscribe("drained", SubscribeOptions::default(), handle)
        .await
        .unwrap();
    for n in 1..=3 {
        let message = Message::new(format!("news-{n}"));
        broker.publish("drained", &message).await.unwrap();
    }
    // The publish's own round trip, on this same connection, came back after the three
    // messages: they are in the client's buffer, the first one in the handler.
    let first = within("the first message", bodies.recv()).await;
    assert_eq!(first.as_deref(), Some("news-1"));
    let subscriptions = server.subscriptions().await;

    let mut unsubscribing = subscription.unsubscribe();
    assert!(
        (&mut unsubscribing).now_or_never().is_none(),
        "it waits for the handler"
    );
    // Step 1: the server hears of it at once, while the first message is still handled.
    server
        .wait_for("subscriptions", |count| count < subscriptions)
        .await;
    // Step 2: the one being handled, and the two that had arrived, are handled.
    release.send_replace(true);
    within("the unsubscribe", unsubscribing).await.unwrap();
    assert_eq!(the_rest(bodies), ["news-2", "news-3"], "each one, once");
    broker.disconnect().await.unwrap();
}

#[tokio::test]
async fn a_durable_subscriber_that_stops_handles_and_acknowledges_what_it_was_given() {
    let server = testkit::nats().await;
    let broker = NatsBroker::connect(&server.url()).await.unwrap();
    let (handle, mut bodies, release) = held_handler();
    let subscription = broker
        .subscribe_durable("ledger", &DurableOptions::new("drained"), handle)
        .await
        .unwrap();
    for n in 1..=3 {
        let message = Message::new(format!("entry-{n}"));
        broker.publish("ledger", &message).await.unwrap();
    }
    let first = within("the first message", bodies.recv()).await;
    assert_eq!(first.as_deref(), Some("entry-1"));
    // The server has handed all three to this subscriber (none acknowledged yet), and
    // a round trip later they are in its client.
    let js = async_nats::jetstream::new(broker.client().clone());
    let mut consumer = js
        .get_stream(stream_name("ledger"))
        .await
        .unwrap()
        .get_consumer::<pull::Config>("drained")
        .await
        .unwrap();
    within("three messages handed over", async {
        while consumer.info().await.unwrap().num_ack_pending < 3 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    round_trip(&broker).await;
    let subscriptions = server.subscriptions().await;

    let mut unsubscribing = subscription.unsubscribe();
    assert!(
        (&mut unsubscribing).now_or_never().is_none(),
        "it waits for the handler"
    );
    // Step 1: the pull ends at once (its inbox unsubscribed), while the first message is
    // still handled.
    server
        .wait_for("subscriptions", |count| count < subscriptions)
        .await;
    // Step 2: the one being handled, and the two it had been given, are handled and acked.
    release.send_replace(true);
    within("the unsubscribe", unsubscribing).await.unwrap();
    assert_eq!(the_rest(bodies), ["entry-2", "entry-3"], "each one, once");
    // Acknowledged, all three: none waits for ack_wait to come back.
    let info = consumer.info().await.unwrap();
    assert_eq!(
        (
            info.num_ack_pending,
            info.num_pending,
            info.ack_floor.stream_sequence
        ),
        (0, 0, 3),
        "{info:?}"
    );
    broker.disconnect().await.unwrap();
}
