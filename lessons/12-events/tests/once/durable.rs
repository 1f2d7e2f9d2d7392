//! `events.once` on a real nats-server: a durable subscriber handles each copy once, also
//! when a publisher retried, and a subscriber started again remembers what the last one
//! handled (what remembers it is Redis, not the handler).

use l12_events::exercises::once::once_per_id;
use micro::broker::nats::NatsBroker;
use micro::broker::nats::jetstream::DurableOptions;
use micro::broker::{Event, handler};
use testkit::within;
use tokio::sync::mpsc;

use super::{MEMORY, connect, message};

#[tokio::test]
async fn a_durable_subscriber_handles_each_copy_once() {
    let (server, redis) = tokio::join!(testkit::nats(), testkit::redis());
    let (broker, subscription, mut handled) = subscriber(&server, &redis, "payments").await;
    // A publisher that retried: one payment sent three times, then another payment.
    let payment = message(Some("payment-1"), "pay 10");
    for _ in 0..3 {
        micro::broker::Broker::publish(&broker, "payments", &payment)
            .await
            .unwrap();
    }
    let next = message(Some("payment-2"), "pay 20");
    micro::broker::Broker::publish(&broker, "payments", &next)
        .await
        .unwrap();
    // A durable subscriber hands its messages on in order: once payment-2 is handled, the
    // three copies of payment-1 have been.
    let mut bodies = Vec::new();
    testkit::within("payment-2 handled", async {
        while bodies.last().map(String::as_str) != Some("pay 20") {
            bodies.push(within("a handled payment", handled.recv()).await.unwrap());
        }
    })
    .await;
    assert_eq!(
        bodies,
        ["pay 10", "pay 20"],
        "three copies of payment-1, handled once"
    );
    subscription.unsubscribe().await.unwrap();
}

/// A durable subscriber that records the bodies it handles on `handled`.
async fn subscriber(
    server: &testkit::NatsServer,
    redis: &testkit::RedisServer,
    topic: &str,
) -> (
    NatsBroker,
    Box<dyn micro::broker::Subscription>,
    mpsc::UnboundedReceiver<String>,
) {
    let broker = NatsBroker::connect(&server.url()).await.unwrap();
    let (sender, handled) = mpsc::unbounded_channel();
    let record = handler(move |event: Event| {
        let sender = sender.clone();
        async move {
            let _ = sender.send(String::from_utf8_lossy(&event.message.body).to_string());
            Ok(())
        }
    });
    let once = once_per_id(connect(redis).await, MEMORY, record);
    let subscription = broker
        .subscribe_durable(topic, &DurableOptions::new("once"), once)
        .await
        .unwrap();
    (broker, subscription, handled)
}

#[tokio::test]
async fn a_subscriber_started_again_remembers_what_the_last_one_handled() {
    let (server, redis) = tokio::join!(testkit::nats(), testkit::redis());
    let (broker, subscription, mut handled) = subscriber(&server, &redis, "refunds").await;
    let refund = message(Some("refund-1"), "refund 5");
    micro::broker::Broker::publish(&broker, "refunds", &refund)
        .await
        .unwrap();
    let first = within("the first subscriber's refund", handled.recv()).await;
    assert_eq!(first.as_deref(), Some("refund 5"));
    // It stops, process and memory gone; a copy of the refund comes while it is away.
    subscription.unsubscribe().await.unwrap();
    drop(broker);
    let publisher = NatsBroker::connect(&server.url()).await.unwrap();
    micro::broker::Broker::publish(&publisher, "refunds", &refund)
        .await
        .unwrap();
    let next = message(Some("refund-2"), "refund 7");
    micro::broker::Broker::publish(&publisher, "refunds", &next)
        .await
        .unwrap();

    // A new subscriber of the same name, with a new connection to Redis, gets both.
    let (_broker, subscription, mut handled) = subscriber(&server, &redis, "refunds").await;
    let again = within("the second subscriber's refund", handled.recv()).await;
    assert_eq!(
        again.as_deref(),
        Some("refund 7"),
        "the copy of refund-1 was handled before the restart: what remembers it must outlive \
         the subscriber (Redis, not the handler's memory)"
    );
    subscription.unsubscribe().await.unwrap();
}
