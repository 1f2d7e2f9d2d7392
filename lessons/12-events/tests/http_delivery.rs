//! The HTTP broker from outside: subscribers and publishers as separate processes of the
//! lesson's binary, finding each other through a Consul agent.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use support::{Received, Subscriber, not_delivered, publish, unique_topic};

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
