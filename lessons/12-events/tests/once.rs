//! `events.once`: each message handled once, however often it is delivered — in turn, at
//! the same time, after a failure, from a durable subscriber on a real nats-server — and
//! never acknowledged unless it is known to be handled.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use l12_events::exercises::once::{ID_HEADER, Memory, key, once_per_id};
use micro::broker::{Event, Handler, Message, handler};
use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use testkit::within;
use tokio::sync::Notify;

const MEMORY: Memory = Memory {
    done_for: Duration::from_secs(86_400),
    claim_for: Duration::from_secs(30),
};

async fn connect(redis: &testkit::RedisServer) -> MultiplexedConnection {
    let client = redis::Client::open(redis.url()).unwrap();
    client.get_multiplexed_async_connection().await.unwrap()
}

fn message(id: Option<&str>, body: &str) -> Message {
    let mut message = Message::new(body.to_string().into_bytes());
    if let Some(id) = id {
        message.header.insert(ID_HEADER.to_string(), id.to_string());
    }
    message
}

fn event(topic: &str, id: Option<&str>) -> Event {
    Event {
        topic: topic.to_string(),
        message: message(id, "body"),
    }
}

/// A handler that records the ids it handles; it fails while `failing` says so.
fn recorder(failing: Arc<Mutex<bool>>) -> (Handler, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = seen.clone();
    let handle = handler(move |event: Event| {
        let keep = keep.clone();
        let failing = failing.clone();
        async move {
            let id = event
                .message
                .header
                .get(ID_HEADER)
                .cloned()
                .unwrap_or_default();
            keep.lock().unwrap().push(id);
            anyhow::ensure!(!*failing.lock().unwrap(), "the handler failed on purpose");
            Ok(())
        }
    });
    (handle, seen)
}

#[tokio::test]
async fn a_message_delivered_again_is_acknowledged_without_being_handled_again() {
    let redis = testkit::redis().await;
    let (handle, seen) = recorder(Arc::new(Mutex::new(false)));
    let once = once_per_id(connect(&redis).await, MEMORY, handle);
    for delivery in 1..=3 {
        within("a delivery", once(event("orders", Some("id-1"))))
            .await
            .unwrap_or_else(|error| {
                panic!("delivery {delivery} of a message: Ok (acknowledged), not {error:#}")
            });
    }
    within("another message", once(event("orders", Some("id-2"))))
        .await
        .unwrap();
    // The same id on another topic is another message.
    within("another topic", once(event("refunds", Some("id-1"))))
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        ["id-1", "id-2", "id-1"],
        "each message handled once: id-1 on orders once (not three times), id-2, id-1 on refunds"
    );
}

#[tokio::test]
async fn a_handled_message_is_remembered_as_done_for_done_for() {
    let redis = testkit::redis().await;
    let (handle, _) = recorder(Arc::new(Mutex::new(false)));
    let memory = Memory {
        done_for: Duration::from_secs(3600),
        ..MEMORY
    };
    let once = once_per_id(connect(&redis).await, memory, handle);
    within("a delivery", once(event("orders", Some("id-7"))))
        .await
        .unwrap();
    let mut redis = connect(&redis).await;
    let state: Option<String> = redis.get(key("orders", "id-7")).await.unwrap();
    assert_eq!(
        state.as_deref(),
        Some("done"),
        "the key {} says done",
        key("orders", "id-7")
    );
    let ttl: i64 = redis.pttl(key("orders", "id-7")).await.unwrap();
    assert!(
        ttl > 3_500_000 && ttl <= 3_600_000,
        "it expires after done_for (1 h), not never and not sooner: {ttl} ms left"
    );
}

#[tokio::test]
async fn a_failed_handler_leaves_nothing_behind_and_the_next_delivery_tries_again() {
    let redis = testkit::redis().await;
    let failing = Arc::new(Mutex::new(true));
    let (handle, seen) = recorder(failing.clone());
    let once = once_per_id(connect(&redis).await, MEMORY, handle);
    let first = within("a delivery", once(event("orders", Some("id-3")))).await;
    assert!(
        first.is_err(),
        "the handler failed: the delivery fails, so it comes again"
    );
    let mut conn = connect(&redis).await;
    let left: Option<String> = conn.get(key("orders", "id-3")).await.unwrap();
    assert_eq!(
        left, None,
        "a failed handler gives its claim up: the key is gone"
    );

    *failing.lock().unwrap() = false;
    within("the second delivery", once(event("orders", Some("id-3"))))
        .await
        .expect("the second delivery handles it");
    within("a third", once(event("orders", Some("id-3"))))
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        ["id-3", "id-3"],
        "handled on the first delivery (failed) and the second (done); not on the third"
    );
}

#[tokio::test]
async fn two_deliveries_at_once_handle_it_once_and_the_other_comes_back_later() {
    let redis = testkit::redis().await;
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let calls = Arc::new(Mutex::new(0));
    let (in_entered, in_release, in_calls) = (entered.clone(), release.clone(), calls.clone());
    let slow = handler(move |_event: Event| {
        let (entered, release, calls) = (in_entered.clone(), in_release.clone(), in_calls.clone());
        async move {
            *calls.lock().unwrap() += 1;
            entered.notify_one();
            // deadline: a handler of the test's own, held until the test releases it; the
            // test waits for what follows within a bound
            release.notified().await;
            Ok(())
        }
    });
    let once = once_per_id(connect(&redis).await, MEMORY, slow);
    let first = tokio::spawn(once(event("orders", Some("id-4"))));
    within("the first delivery's handler", entered.notified()).await;

    // While the first is handling it, a second copy arrives.
    let mut conn = connect(&redis).await;
    let claim: i64 = conn.pttl(key("orders", "id-4")).await.unwrap();
    assert!(
        claim > 0 && claim <= 30_000,
        "while it is handled the key is a claim that expires after claim_for: {claim} ms"
    );
    let second = within("the second delivery", once(event("orders", Some("id-4")))).await;
    assert!(
        second.is_err(),
        "a copy that arrives while another delivery handles the message fails (try later): \
         acknowledging it would lose the message if the first one failed"
    );
    release.notify_one();
    within("the first delivery", first).await.unwrap().unwrap();
    within("a later copy", once(event("orders", Some("id-4"))))
        .await
        .expect("after the first finished, a copy is acknowledged");
    assert_eq!(*calls.lock().unwrap(), 1, "the handler ran once");
}

#[tokio::test]
async fn what_cannot_be_known_to_be_handled_is_never_acknowledged() {
    let redis = testkit::redis().await;
    let (handle, seen) = recorder(Arc::new(Mutex::new(false)));
    let once = once_per_id(connect(&redis).await, MEMORY, handle.clone());
    let error = within("a message without an id", once(event("orders", None)))
        .await
        .expect_err("a message without Micro-Id cannot be told from its copies: an error");
    assert!(
        format!("{error:#}").contains(ID_HEADER),
        "the error names the header: {error:#}"
    );

    // Redis goes away: nothing can be known, so nothing is acknowledged.
    let conn = connect(&redis).await;
    drop(redis);
    let once = once_per_id(conn, MEMORY, handle);
    let down = within("Redis down", once(event("orders", Some("id-5")))).await;
    assert!(
        down.is_err(),
        "with Redis down a delivery fails, to come again later"
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "and the handler never ran: {seen:?}"
    );
}

// The same on a real nats-server, through a durable subscriber.
#[path = "once/durable.rs"]
mod durable;
