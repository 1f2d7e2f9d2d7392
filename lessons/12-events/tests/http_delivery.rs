//! The HTTP broker from outside: subscribers and publishers as separate processes of the
//! lesson's binary, finding each other through a Consul agent.

use crate::support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use micro::broker::http::SERVICE;
use micro::broker::{Message, TOPIC_HEADER};
use shared::grpc::SHUTDOWN_GRACE;
use support::{Received, Subscriber, not_delivered, publish, unique_topic};
use testkit::within;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const DELIVERY_LIMIT: Duration = Duration::from_secs(30);

/// `name-1` … `name-count`.
fn bodies(name: &str, range: std::ops::RangeInclusive<usize>) -> BTreeSet<String> {
    range.map(|n| format!("{name}-{n}")).collect()
}

/// Three subscriber processes of `topic` (in `queue`, or each on its own), all reporting
/// into `received`.
async fn three_subscribers(
    agent: &str,
    topic: &str,
    queue: Option<&str>,
    received: &Received,
) -> Vec<Subscriber> {
    let mut subscribers = Vec::new();
    for which in 0..3 {
        subscribers.push(Subscriber::start(agent, topic, queue, which, received).await);
    }
    subscribers
}

#[tokio::test]
async fn a_queue_group_shares_the_messages_none_lost_none_doubled() {
    let agent = testkit::consul().await;
    let topic = unique_topic("queue");
    let received = Received::default();
    let _running = three_subscribers(agent.url(), &topic, Some("workers"), &received).await;
    let (stdout, stderr) = publish(agent.url(), &topic, "job", 300).await;
    assert_eq!(not_delivered(&stdout), 0, "{stdout}{stderr}");
    received.wait_for(300, DELIVERY_LIMIT).await;

    let all = received.all();
    let unique: BTreeSet<String> = all.iter().cloned().collect();
    assert_eq!(all.len(), 300, "a message was delivered twice");
    assert_eq!(unique, bodies("job", 1..=300));
    for which in 0..3 {
        assert!(
            !received.of(which).is_empty(),
            "subscriber {which} got nothing: the group is not shared"
        );
    }
}

#[tokio::test]
async fn a_broadcast_reaches_every_subscriber() {
    let agent = testkit::consul().await;
    let topic = unique_topic("broadcast");
    let received = Received::default();
    let _running = three_subscribers(agent.url(), &topic, None, &received).await;
    let (stdout, stderr) = publish(agent.url(), &topic, "news", 20).await;
    assert_eq!(not_delivered(&stdout), 0, "{stdout}{stderr}");
    received.wait_for(60, DELIVERY_LIMIT).await;
    for which in 0..3 {
        let got: BTreeSet<String> = received.of(which).into_iter().collect();
        assert_eq!(got, bodies("news", 1..=20), "subscriber {which}");
        assert_eq!(
            received.of(which).len(),
            20,
            "subscriber {which} got a double"
        );
    }
}

/// The chapter's claim: the HTTP broker delivers at most once. A subscriber killed
/// mid-stream stays in the registry until its registration expires; each message the
/// publisher sends it meanwhile is lost, and the publisher says so — so what arrived plus
/// what the publisher reported lost is every message, and nothing arrives twice.
#[tokio::test]
async fn a_killed_subscriber_loses_what_was_sent_to_it_and_the_publisher_counts_it() {
    let agent = testkit::consul().await;
    let topic = unique_topic("kill");
    let received = Received::default();
    let mut subscribers = three_subscribers(agent.url(), &topic, Some("workers"), &received).await;
    let (stdout, _) = publish(agent.url(), &topic, "first", 100).await;
    assert_eq!(not_delivered(&stdout), 0, "{stdout}");
    received.wait_for(100, DELIVERY_LIMIT).await;

    subscribers[0].kill().await;
    let (stdout, stderr) = publish(agent.url(), &topic, "second", 200).await;
    let lost = not_delivered(&stdout);
    assert!(
        lost > 0,
        "one node in three was dead and still registered, yet nothing was lost: {stdout}"
    );
    assert!(
        stderr.contains("lost for 1 of 1 subscriber(s)"),
        "the publisher names what it lost: {stderr}"
    );
    received.wait_for(300 - lost, DELIVERY_LIMIT).await;

    let second: Vec<String> = received
        .all()
        .into_iter()
        .filter(|body| body.starts_with("second-"))
        .collect();
    let unique: BTreeSet<String> = second.iter().cloned().collect();
    assert_eq!(second.len(), unique.len(), "a message arrived twice");
    assert_eq!(second.len() + lost, 200, "arrived + lost = published");
    assert!(received.of(0).iter().all(|body| body.starts_with("first-")));
}

/// Lesson 08's order, for a subscriber stopped by `signal`: it leaves the registry, then
/// finishes the message it had begun to take, and only then forgets its subscription. The
/// POST's headers and half its body arrive before the signal, the rest once the subscriber
/// has left the registry: the message is read to its end, printed once, answered 200, and
/// the process exits 0.
async fn a_message_in_flight_at_a_signal_is_delivered_once(signal: &str) {
    let agent = testkit::consul().await;
    let topic = unique_topic("in-flight");
    let received = Received::default();
    let mut subscriber = Subscriber::start(agent.url(), &topic, None, 0, &received).await;
    let (mut post, rest) = half_a_message(&subscriber, &topic).await;
    let id = subscriber.node.0.clone();

    // The signal, with the message half in; the subscriber leaves the registry.
    subscriber.signal(signal);
    let catalog = format!("catalog/service/{SERVICE}");
    let left = format!("{id} to leave the registry after SIG{signal}");
    testkit::catalog::watch_until(agent.url(), &catalog, DELIVERY_LIMIT, &left, |answer| {
        let mut ids = answer.as_array()?.iter().map(|entry| &entry["ServiceID"]);
        (!ids.any(|listed| listed == id.as_str())).then_some(())
    })
    .await;

    // The rest of the message, after it left: it was in flight, so it is still delivered.
    post.get_mut().write_all(&rest).await.unwrap();
    let status = line(&mut post).await;
    assert_eq!(
        status,
        "HTTP/1.1 200 OK",
        "a message begun before SIG{signal} was refused; the subscriber's log:\n{}",
        subscriber.log()
    );
    let exit = subscriber.exits(DELIVERY_LIMIT).await;
    assert!(
        exit.success(),
        "after SIG{signal} it exited with {exit}; its log:\n{}",
        subscriber.log()
    );
    assert_eq!(
        received.all(),
        ["in flight"],
        "printed once, and nothing else"
    );
    assert!(
        subscriber
            .log()
            .contains("finishing 1 message(s) in flight"),
        "the operator is told what the stop waits for: {}",
        subscriber.log()
    );
}

/// A POST of a message "in flight" to `subscriber`, by hand, with its headers and the first
/// half of its body sent: the connection, and the half not sent yet.
async fn half_a_message(subscriber: &Subscriber, topic: &str) -> (BufReader<TcpStream>, Vec<u8>) {
    let (id, address) = subscriber.node.clone();
    let mut message = Message::new("in flight");
    message
        .header
        .insert(TOPIC_HEADER.to_string(), topic.to_string());
    let body = message.encode();
    let (first, rest) = body.split_at(body.len() / 2);

    // The publisher's side, by hand. `Expect: 100-continue` makes the server say when it has
    // the headers and starts reading the body, which is when the delivery begins.
    let connection = within("a connection", TcpStream::connect(address))
        .await
        .unwrap();
    let mut post = BufReader::new(connection);
    let head = format!(
        "POST /?id={id} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        body.len()
    );
    post.get_mut().write_all(head.as_bytes()).await.unwrap();
    assert_eq!(line(&mut post).await, "HTTP/1.1 100 Continue");
    assert_eq!(line(&mut post).await, "");
    post.get_mut().write_all(first).await.unwrap();
    (post, rest.to_vec())
}

/// How long a stopped subscriber may take to exit: its drain ([`SHUTDOWN_GRACE`], 5 s) and
/// half of it again. A stop with nothing in flight takes about 50 ms here; this leaves five
/// times that and much more, and is still 2.5 s short of a second drain (10 s, when Docker's
/// SIGKILL comes).
const ONE_DRAIN: Duration = Duration::from_millis(7500);

/// The course's drain is one grace period, whatever a client does. A publisher sends half a
/// message and then nothing: at SIGINT the subscriber leaves the registry, gives the message
/// its grace to arrive, then refuses it (503) and exits — after one drain, not two.
#[tokio::test]
async fn a_publisher_that_stalls_halfway_holds_the_stop_for_one_drain_only() {
    let agent = testkit::consul().await;
    let topic = unique_topic("stalled");
    let received = Received::default();
    let mut subscriber = Subscriber::start(agent.url(), &topic, None, 0, &received).await;
    let (mut post, _never_sent) = half_a_message(&subscriber, &topic).await;

    let signalled = Instant::now();
    subscriber.signal("INT");
    let exit = subscriber.exits(DELIVERY_LIMIT).await;
    let took = signalled.elapsed();
    eprintln!("exited {took:?} after SIGINT");
    assert!(
        exit.success(),
        "after SIGINT it exited with {exit}; its log:\n{}",
        subscriber.log()
    );
    assert!(
        took >= SHUTDOWN_GRACE,
        "it exited {took:?} after SIGINT, before the message's grace of {SHUTDOWN_GRACE:?} \
         was over; its log:\n{}",
        subscriber.log()
    );
    assert!(
        took < ONE_DRAIN,
        "it exited {took:?} after SIGINT, more than {ONE_DRAIN:?}: a stalled publisher held \
         the stop past its drain; its log:\n{}",
        subscriber.log()
    );
    assert_eq!(
        line(&mut post).await,
        "HTTP/1.1 503 Service Unavailable",
        "the publisher is told its message was not taken"
    );
    assert!(received.all().is_empty(), "half a message was printed");
}

/// The next line of an HTTP answer, without its `\r\n`.
async fn line(answer: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    within("a line of the answer", answer.read_line(&mut line))
        .await
        .unwrap();
    line.trim_end().to_string()
}

#[tokio::test]
async fn a_message_in_flight_at_sigint_is_delivered_once_before_the_subscriber_stops() {
    a_message_in_flight_at_a_signal_is_delivered_once("INT").await;
}

#[tokio::test]
async fn a_message_in_flight_at_sigterm_is_delivered_once_before_the_subscriber_stops() {
    a_message_in_flight_at_a_signal_is_delivered_once("TERM").await;
}
