//! What a subscriber's endpoint does with what is not a message for it, and what a
//! publisher does when a subscriber is gone: a clear error for that one, delivery for the
//! others.

use std::sync::Arc;

use micro::broker::http::{HttpBroker, SERVICE, subscriber_node};
use micro::broker::{
    Broker, Event, Handler, MAX_MESSAGE_BYTES, Message, SubscribeOptions, Subscription, handler,
};
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry};
use testkit::within;
use tokio::sync::mpsc;

use crate::support::PEER_LIFETIME;

/// A subscription whose handler passes each event on; panics on a body of `panic`.
async fn subscribe(
    broker: &HttpBroker,
    topic: &str,
) -> (Box<dyn Subscription>, mpsc::UnboundedReceiver<Event>) {
    let (events, received) = mpsc::unbounded_channel();
    let pass_on: Handler = handler(move |event: Event| {
        let events = events.clone();
        async move {
            assert!(&event.message.body[..] != b"panic", "a handler that panics");
            anyhow::ensure!(&event.message.body[..] != b"fail", "this one fails");
            events.send(event).ok();
            Ok(())
        }
    });
    let subscription = broker
        .subscribe(topic, SubscribeOptions::default(), pass_on)
        .await
        .unwrap();
    (subscription, received)
}

/// The one subscriber registered, and the URL a publisher POSTs its messages to.
async fn the_subscriber(registry: &MemoryRegistry) -> (Node, String) {
    let node = registry.get_service(SERVICE).await.unwrap().remove(0);
    let url = format!("http://{}/?id={}", node.address, node.id);
    (node, url)
}

fn message(topic: &str, body: &str) -> Vec<u8> {
    let mut message = Message::new(body.to_string());
    message
        .header
        .insert("Micro-Topic".to_string(), topic.to_string());
    message.encode()
}

#[tokio::test]
async fn bad_posts_get_clear_errors_and_delivery_goes_on() {
    let registry = Arc::new(MemoryRegistry::new());
    let broker = HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap();
    let (_subscription, mut received) = subscribe(&broker, "orders").await;
    let (node, url) = the_subscriber(registry.as_ref()).await;
    let client = reqwest::Client::new();

    let no_topic = Message::new("x").encode();
    let huge = vec![b'x'; MAX_MESSAGE_BYTES + 1];
    let cases: [(&str, Vec<u8>, &str, u16, &str); 8] = [
        (
            "garbage",
            b"garbage".to_vec(),
            &url,
            400,
            "not a broker message",
        ),
        ("too big", huge, &url, 413, ""),
        (
            "an array",
            br#"[{"Micro-Topic":"orders"},"aGk="]"#.to_vec(),
            &url,
            400,
            "not a broker message",
        ),
        ("no topic", no_topic, &url, 400, "no Micro-Topic header"),
        (
            "unknown id",
            message("orders", "a"),
            "/?id=nobody",
            404,
            "no subscriber",
        ),
        (
            "other topic",
            message("invoices", "a"),
            &url,
            404,
            "no subscriber",
        ),
        (
            "failing handler",
            message("orders", "fail"),
            &url,
            500,
            "this one fails",
        ),
        (
            "panicking handler",
            message("orders", "panic"),
            &url,
            500,
            "panicked",
        ),
    ];
    for (what, body, target, status, says) in cases {
        let target = if target.starts_with('/') {
            format!("http://{}{target}", node.address)
        } else {
            target.to_string()
        };
        let answer = within(what, client.post(&target).body(body).send())
            .await
            .unwrap_or_else(|error| panic!("{what}: the endpoint hung up: {error}"));
        assert_eq!(answer.status().as_u16(), status, "{what}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(says), "{what}: {text}");

        // And the next good message still gets through.
        broker
            .publish("orders", &Message::new(format!("after {what}")))
            .await
            .unwrap();
        let event = within("the good message", received.recv()).await.unwrap();
        assert_eq!(event.message.body, format!("after {what}").as_bytes());
    }
    let get = client.get(&url).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 405, "only POST delivers");
}

#[tokio::test]
async fn a_gone_subscriber_is_a_clear_error_and_the_others_still_get_the_message() {
    let registry = Arc::new(MemoryRegistry::new());
    let broker = HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap();
    let (_subscription, mut received) = subscribe(&broker, "orders").await;
    // A broadcast subscriber that died without deregistering: nothing listens at its port.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = subscriber_node("orders", None, dead.local_addr().unwrap());
    drop(dead);
    registry.register(SERVICE, &gone).await.unwrap();

    let error = broker
        .publish("orders", &Message::new("hello"))
        .await
        .unwrap_err();
    let error = format!("{error:#}");
    assert!(
        error.contains("lost for 1 of 2") && error.contains(&gone.id),
        "{error}"
    );
    let event = within("the live subscriber's copy", received.recv())
        .await
        .unwrap();
    assert_eq!(event.message.body, &b"hello"[..]);
}

#[tokio::test]
async fn unsubscribing_leaves_the_registry_and_stops_delivery() {
    let registry = Arc::new(MemoryRegistry::new());
    let broker = HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap();
    let (subscription, _received) = subscribe(&broker, "orders").await;
    assert_eq!(registry.get_service(SERVICE).await.unwrap().len(), 1);
    subscription.unsubscribe().await.unwrap();
    assert!(registry.get_service(SERVICE).await.unwrap().is_empty());
    // Nobody subscribes: the publisher is told, as go-micro's is ("service not found").
    let error = broker
        .publish("orders", &Message::new("into the void"))
        .await
        .expect_err("a message nobody can get");
    assert_eq!(error.to_string(), "no subscriber of orders is registered");
}

#[tokio::test]
async fn publishers_post_to_the_advertised_address_not_the_listening_one() {
    let registry = Arc::new(MemoryRegistry::new());
    // Advertised: an address where nothing listens, so a POST that went there fails there.
    let nowhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let advertised = nowhere.local_addr().unwrap().to_string();
    drop(nowhere);
    let subscriber = HttpBroker::new(registry.clone(), "127.0.0.1:0")
        .unwrap()
        .advertise(&advertised)
        .unwrap();
    let (_subscription, mut received) = subscribe(&subscriber, "orders").await;
    let nodes = registry.get_service(SERVICE).await.unwrap();
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].address, advertised);

    let publisher = HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap();
    let error = publisher
        .publish("orders", &Message::new("hello"))
        .await
        .unwrap_err();
    assert!(format!("{error:#}").contains(&advertised), "{error:#}");
    assert!(
        received.try_recv().is_err(),
        "nothing reached the listening address"
    );

    let error = HttpBroker::new(registry, "127.0.0.1:0")
        .unwrap()
        .advertise("relay:7212")
        .err()
        .expect("a host name is refused");
    assert!(format!("{error:#}").contains("not an IP address and a port"));
}

/// A subscriber stopped while it handles a message answers that message first, so its
/// publisher learns it was delivered, and takes no more once it is closed.
#[tokio::test]
async fn a_message_in_flight_when_the_subscriber_closes_is_handled_and_answered() {
    let registry = Arc::new(MemoryRegistry::new());
    let broker = Arc::new(HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap());
    let (started, mut handler_started) = mpsc::unbounded_channel();
    let (handled, mut was_handled) = mpsc::unbounded_channel();
    let release = Arc::new(tokio::sync::Notify::new());
    let slow: Handler = {
        let release = release.clone();
        handler(move |event: Event| {
            let (started, handled, release) = (started.clone(), handled.clone(), release.clone());
            async move {
                started.send(()).ok();
                // The test's word, or at most as long as a test may run: a handler is a
                // peer of the test, and must not outlive it.
                let _ = tokio::time::timeout(PEER_LIFETIME, release.notified()).await;
                handled.send(event.message.body).ok();
                Ok(())
            }
        })
    };
    let _subscription = broker
        .subscribe("orders", SubscribeOptions::default(), slow)
        .await
        .unwrap();
    let (node, url) = the_subscriber(registry.as_ref()).await;
    let client = reqwest::Client::new();
    let in_flight = tokio::spawn(
        client
            .post(&url)
            .body(message("orders", "in flight"))
            .send(),
    );
    within("the handler to start", handler_started.recv())
        .await
        .unwrap();

    let closing = tokio::spawn({
        let broker = broker.clone();
        async move { broker.disconnect().await }
    });
    // Closing begins with the endpoint refusing new connections.
    within("the endpoint to stop taking connections", async {
        while tokio::net::TcpStream::connect(&node.address).await.is_ok() {
            tokio::task::yield_now().await;
        }
    })
    .await;
    release.notify_one();

    let answer = within("the answer to the message in flight", in_flight)
        .await
        .unwrap()
        .expect("the subscriber closed the connection of a message it had taken, unanswered");
    assert_eq!(
        answer.status().as_u16(),
        200,
        "a message taken before the close is answered as delivered"
    );
    let handled = within("the message in flight handled", was_handled.recv()).await;
    assert_eq!(handled.unwrap(), "in flight".as_bytes());
    within("disconnect to return", closing)
        .await
        .unwrap()
        .unwrap();
}
