//! The NATS broker from outside: the lesson's binary as real processes on a private
//! nats-server (testkit), and a raw client speaking NATS's text protocol.
//!
//! Nothing here sleeps to synchronise: a subscriber says `subscribed to TOPIC` once the server
//! has its subscription, a publisher exits once the server has its messages, and after a
//! restart the test waits for the server's own count of connections and subscriptions.

mod drain;
mod durable;
mod run;

use std::collections::BTreeSet;

use run::{Processes, RawClient};
use tokio::io::AsyncWriteExt;

/// The numbers in lines such as `jobs: job-17`, for lines that start with `prefix`.
fn numbers<'a>(lines: impl IntoIterator<Item = &'a String>, prefix: &str) -> Vec<u32> {
    lines
        .into_iter()
        .filter_map(|line| line.strip_prefix(prefix))
        .map(|number| number.trim().parse().expect("a number"))
        .collect()
}

#[tokio::test]
async fn three_subscribers_in_a_queue_group_share_300_messages_none_lost_none_doubled() {
    let server = testkit::nats().await;
    let mut run = Processes::new(&server);
    for _ in 0..3 {
        run.subscriber(&["jobs", "--queue", "workers"]).await;
    }
    run.publish(&["jobs", "job", "--count", "300"]).await;
    let mut got: Vec<Vec<String>> = vec![Vec::new(); 3];
    for _ in 0..300 {
        let (who, line) = run.next().await;
        got[who].push(line);
    }
    let all: Vec<u32> = got
        .iter()
        .flat_map(|lines| numbers(lines, "jobs: job-"))
        .collect();
    let distinct: BTreeSet<u32> = all.iter().copied().collect();
    assert_eq!(all.len(), 300);
    assert_eq!(distinct, (1..=300).collect(), "lost or doubled");
    for (who, lines) in got.iter().enumerate() {
        assert!(!lines.is_empty(), "subscriber {who} got no share");
    }
}

#[tokio::test]
async fn without_a_queue_group_every_subscriber_gets_every_message() {
    let server = testkit::nats().await;
    let mut run = Processes::new(&server);
    for _ in 0..3 {
        run.subscriber(&["news"]).await;
    }
    run.publish(&["news", "item", "--count", "20"]).await;
    let mut got: Vec<Vec<String>> = vec![Vec::new(); 3];
    for _ in 0..60 {
        let (who, line) = run.next().await;
        got[who].push(line);
    }
    for lines in &got {
        assert_eq!(numbers(lines, "news: item-"), (1..=20).collect::<Vec<_>>());
    }
}

#[tokio::test]
async fn publishers_and_subscribers_go_on_after_nats_restarts() {
    let mut server = testkit::nats().await;
    let mut run = Processes::new(&server);
    let subscriber = run.subscriber(&["news"]).await;
    let publisher = run.start(&["publish", "news", "-"]);
    let mut stdin = run.stdin(publisher);
    stdin.write_all(b"before\n").await.unwrap();
    let mut lines = BTreeSet::new();
    testkit::within("the message published and received", async {
        while lines.len() < 2 {
            lines.insert(run.next().await);
        }
    })
    .await;
    assert!(lines.contains(&(publisher, "published".to_string())));
    assert!(lines.contains(&(subscriber, "news: before".to_string())));
    server.wait_for("connections", |count| count == 2).await;
    let subscriptions = server.subscriptions().await;

    server.restart().await;
    // Both clients reconnect by themselves, and the subscriber subscribes again.
    server.wait_for("connections", |count| count == 2).await;
    server
        .wait_for("subscriptions", |count| count >= subscriptions)
        .await;
    stdin.write_all(b"after\n").await.unwrap();
    let mut lines = BTreeSet::new();
    testkit::within(
        "the message published and received after the restart",
        async {
            while lines.len() < 2 {
                lines.insert(run.next().await);
            }
        },
    )
    .await;
    assert!(lines.contains(&(publisher, "published".to_string())));
    assert!(lines.contains(&(subscriber, "news: after".to_string())));
    assert!(run.stderr(subscriber).contains("event: disconnected"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_delivery_goes_on() {
    let server = testkit::nats().await;
    let mut run = Processes::new(&server);
    let subscriber = run.subscriber(&["news"]).await;
    let publisher = run.start(&["publish", "news", "-"]);
    let mut stdin = run.stdin(publisher);

    // 10 MB, ten times NATS's max_payload: the publisher refuses it and goes on.
    let mut huge = vec![b'x'; 10 * 1024 * 1024];
    huge.push(b'\n');
    stdin.write_all(&huge).await.unwrap();
    let (who, line) = run.next().await;
    assert_eq!(who, publisher);
    assert!(line.starts_with("not published: a message of "), "{line}");
    assert!(line.contains("over the limit of 1048576"), "{line}");

    // A client that sends it anyway is cut off by the server, and only that client.
    // (The server answers as soon as it reads the size in `PUB news 10485760`.)
    let mut rude = RawClient::connect(&server).await;
    rude.send(format!("PUB news {}\r\n", huge.len() - 1).as_bytes())
        .await;
    assert_eq!(rude.reply().await, "-ERR 'Maximum Payload Violation'");

    // What is not a broker message: the subscriber says so and drops it.
    let mut raw = RawClient::connect(&server).await;
    raw.publish("news", b"garbage").await;
    // go-micro's own bytes for broker.Message{Header: {"Micro-Topic": "news"}, Body: "hi"}
    // (encoding/json of the struct; go-micro v2.9.1 broker/nats/nats.go, Publish).
    raw.publish(
        "news",
        br#"{"Header":{"Micro-Topic":"news"},"Body":"aGk="}"#,
    )
    .await;
    raw.send(b"PING\r\n").await;
    assert_eq!(raw.reply().await, "PONG");
    assert_eq!(run.next().await, (subscriber, "news: hi".to_string()));
    run.logged(subscriber, "news: dropped: not a broker message")
        .await;

    stdin.write_all(b"still here\n").await.unwrap();
    let mut lines = BTreeSet::new();
    testkit::within("the message published and received", async {
        while lines.len() < 2 {
            lines.insert(run.next().await);
        }
    })
    .await;
    assert!(lines.contains(&(publisher, "published".to_string())));
    assert!(lines.contains(&(subscriber, "news: still here".to_string())));
}

#[tokio::test]
async fn a_publish_is_go_micros_bytes_on_the_subject_of_its_topic() {
    let server = testkit::nats().await;
    let mut run = Processes::new(&server);
    let mut raw = RawClient::connect(&server).await;
    raw.send(b"SUB greetings 1\r\nPING\r\n").await;
    assert_eq!(raw.reply().await, "PONG");
    run.publish(&["greetings", "hi"]).await;
    let payload = br#"{"Header":{},"Body":"aGk="}"#;
    assert_eq!(
        raw.reply().await,
        format!("MSG greetings 1 {}", payload.len())
    );
    assert_eq!(raw.line().await.as_bytes(), payload);
}

#[tokio::test]
async fn a_queue_member_killed_mid_stream_loses_only_what_it_held() {
    let server = testkit::nats().await;
    let mut run = Processes::new(&server);
    let members: Vec<usize> = {
        let mut members = Vec::new();
        for _ in 0..3 {
            members.push(run.subscriber(&["jobs", "--queue", "workers"]).await);
        }
        members
    };
    let publisher = run.start(&["publish", "jobs", "-"]);
    let mut stdin = run.stdin(publisher);
    let lines = |range: std::ops::RangeInclusive<u32>| {
        range.map(|n| format!("job-{n}\n")).collect::<String>()
    };
    // 150 messages go out one after another; the first member dies after its 10th.
    stdin.write_all(lines(1..=150).as_bytes()).await.unwrap();
    let (mut published, mut got) = (0, Vec::new());
    let mut killed = false;
    testkit::within("the first 150 jobs published", async {
        while published < 150 {
            let (who, line) = run.next().await;
            if who == publisher {
                assert_eq!(line, "published");
                published += 1;
            } else {
                got.push((who, line));
            }
            let first = got.iter().filter(|(who, _)| *who == members[0]).count();
            if !killed && first == 10 {
                run.kill(members[0]).await;
                killed = true;
            }
        }
    })
    .await;
    assert!(killed, "the first member got fewer than 10 of 150");
    // Once the server has seen the connection close, the survivors get everything.
    server.wait_for("connections", |count| count == 3).await;
    stdin.write_all(lines(151..=300).as_bytes()).await.unwrap();
    let mut second_half = BTreeSet::new();
    testkit::within("the second 150 jobs delivered", async {
        while published < 300 || second_half.len() < 150 {
            let (who, line) = run.next().await;
            if who == publisher {
                published += 1;
                continue;
            }
            let number: u32 = line.trim_start_matches("jobs: job-").parse().unwrap();
            if number > 150 {
                assert!(second_half.insert(number), "job-{number} delivered twice");
            }
            got.push((who, line));
        }
    })
    .await;
    let all: Vec<u32> = numbers(got.iter().map(|(_, line)| line), "jobs: job-");
    let distinct: BTreeSet<u32> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "a message delivered twice");
    let lost: Vec<u32> = (1..=300).filter(|n| !distinct.contains(n)).collect();
    eprintln!(
        "a queue member killed mid-stream: {} of 300 lost ({lost:?}), none after the server \
         saw it go",
        lost.len()
    );
    assert!(
        lost.iter().all(|n| *n <= 150),
        "lost after the death was seen: {lost:?}"
    );
}

#[tokio::test]
async fn a_handler_that_panics_loses_its_message_not_its_subscription() {
    use micro::broker::nats::NatsBroker;
    use micro::broker::{Broker, Message, SubscribeOptions, handler};

    let server = testkit::nats().await;
    let broker = NatsBroker::connect(&server.url()).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let panicky = handler(move |event| {
        let tx = tx.clone();
        async move {
            let body = String::from_utf8_lossy(&event.message.body).to_string();
            assert_ne!(body, "panic", "this handler panics on purpose");
            let _ = tx.send(body);
            Ok(())
        }
    });
    let subscription = broker
        .subscribe("alerts", SubscribeOptions::default(), panicky)
        .await
        .unwrap();
    for body in ["panic", "after"] {
        broker.publish("alerts", &Message::new(body)).await.unwrap();
    }
    let next = testkit::within("the message after the panic", rx.recv()).await;
    assert_eq!(next.as_deref(), Some("after"));
    subscription.unsubscribe().await.unwrap();
    broker.disconnect().await.unwrap();
}
