//! JetStream's durable subscriber against core NATS: what each loses when its subscriber is
//! dead, and redelivery when a handler fails.

use std::collections::BTreeSet;
use std::time::Duration;

use micro::broker::nats::NatsBroker;
use micro::broker::nats::jetstream::{DurableOptions, stream_name};
use micro::broker::{Broker, Message, handler};
use tokio::sync::mpsc;

use crate::numbers;
use crate::run::Processes;

#[tokio::test]
async fn core_nats_loses_what_is_published_while_its_subscriber_is_dead_jetstream_loses_nothing() {
    let server = testkit::nats().await;
    let mut run = Processes::new(&server);
    let core = run.subscriber(&["orders"]).await;
    let durable = run
        .subscriber(&["orders", "--durable", "audit", "--ack-wait", "1"])
        .await;
    run.publish(&["orders", "first", "--count", "100"]).await;
    let mut lines = Vec::new();
    testkit::within("200 lines from the two subscribers", async {
        while lines.len() < 200 {
            lines.push(run.next().await);
        }
    })
    .await;
    let of = |who: usize, lines: &[(usize, String)], prefix: &str| {
        numbers(
            lines.iter().filter(|(w, _)| *w == who).map(|(_, l)| l),
            prefix,
        )
    };
    assert_eq!(
        of(core, &lines, "orders: first-"),
        (1..=100).collect::<Vec<_>>()
    );
    assert_eq!(of(durable, &lines, "orders: first-").len(), 100);

    // Both subscribers die; 100 messages are published while no one listens.
    run.kill(core).await;
    run.kill(durable).await;
    run.publish(&["orders", "away", "--count", "100"]).await;

    // They come back, and 100 more are published.
    let core = run.subscriber(&["orders"]).await;
    let durable = run
        .subscriber(&["orders", "--durable", "audit", "--ack-wait", "1"])
        .await;
    run.publish(&["orders", "back", "--count", "100"]).await;
    let mut lines = Vec::new();
    let (mut core_back, mut durable_back, mut durable_away) = (0, BTreeSet::new(), BTreeSet::new());
    testkit::within(
        "the messages from before and after the subscribers came back",
        async {
            while core_back < 100 || durable_back.len() < 100 || durable_away.len() < 100 {
                let (who, line) = run.next().await;
                if who == core && line.starts_with("orders: back-") {
                    core_back += 1;
                }
                if who == durable {
                    if let Some(n) = line.strip_prefix("orders: back-") {
                        durable_back.insert(n.to_string());
                    }
                    if let Some(n) = line.strip_prefix("orders: away-") {
                        durable_away.insert(n.to_string());
                    }
                }
                lines.push((who, line));
            }
        },
    )
    .await;
    let core_away = of(core, &lines, "orders: away-").len();
    let redelivered = of(durable, &lines, "orders: first-").len();
    eprintln!(
        "while dead: core NATS lost {} of 100, JetStream lost {}; JetStream delivered {redelivered} \
         message(s) again",
        100 - core_away,
        100 - durable_away.len()
    );
    assert_eq!(core_away, 0, "core NATS kept nothing for a dead subscriber");
    assert_eq!(durable_away.len(), 100, "JetStream kept every message");
}

#[tokio::test]
async fn a_failed_message_comes_back_until_max_deliver() {
    let server = testkit::nats().await;
    let broker = NatsBroker::connect(&server.url()).await.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    // Fails on "poison", always.
    let failing = handler(move |event| {
        let tx = tx.clone();
        async move {
            let body = String::from_utf8_lossy(&event.message.body).to_string();
            let _ = tx.send(body.clone());
            let seen = body.clone();
            anyhow::ensure!(body != "poison", "{seen} never works");
            Ok(())
        }
    });
    let mut options = DurableOptions::new("retrying");
    options.max_deliver = 3;
    options.retry_delay = Duration::from_millis(50);
    let subscription = broker
        .subscribe_durable("tasks", &options, failing)
        .await
        .unwrap();
    broker
        .publish("tasks", &Message::new("poison"))
        .await
        .unwrap();
    broker
        .publish("tasks", &Message::new("fine"))
        .await
        .unwrap();
    let mut seen = Vec::new();
    testkit::within("a poison message three times and the fine one", async {
        while seen.iter().filter(|body| *body == "poison").count() < 3
            || !seen.contains(&"fine".to_string())
        {
            seen.push(testkit::within("a delivery", rx.recv()).await.unwrap());
        }
    })
    .await;
    // Once the server has nothing pending and nothing waiting for an ack, it has given up on
    // the poison message: no fourth delivery can come.
    let js = async_nats::jetstream::new(broker.client().clone());
    let mut consumer = js
        .get_stream(stream_name("tasks"))
        .await
        .unwrap()
        .get_consumer::<async_nats::jetstream::consumer::pull::Config>("retrying")
        .await
        .unwrap();
    testkit::within("the consumer to be done", async {
        loop {
            let info = consumer.info().await.unwrap();
            if info.num_pending == 0 && info.num_ack_pending == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    while let Ok(body) = rx.try_recv() {
        seen.push(body);
    }
    assert_eq!(
        seen.iter().filter(|body| *body == "poison").count(),
        3,
        "{seen:?}"
    );
    assert_eq!(
        seen.iter().filter(|body| *body == "fine").count(),
        1,
        "{seen:?}"
    );
    subscription.unsubscribe().await.unwrap();
}
