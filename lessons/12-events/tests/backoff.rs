//! `events.backoff`: what a durable subscriber tells JetStream about a message — handled,
//! again later (each wait twice the last, up to a limit), or never again — first as a table,
//! then on a real nats-server, whose redeliveries must follow the verdicts.

use std::time::{Duration, Instant};

use async_nats::jetstream::{self, AckKind, consumer, stream};
use futures::StreamExt;
use l12_events::exercises::backoff::{Outcome, Retry, verdict};
use proptest::prelude::*;
use testkit::within;

const RETRY: Retry = Retry {
    max_deliver: 6,
    first_delay: Duration::from_millis(200),
    max_delay: Duration::from_secs(1),
};

fn ms(millis: u64) -> AckKind {
    AckKind::Nak(Some(Duration::from_millis(millis)))
}

/// A verdict as it prints: `AckKind` has no `==`.
fn show(kind: AckKind) -> String {
    format!("{kind:?}")
}

#[test]
fn a_handled_message_is_acknowledged_and_one_that_never_can_be_is_terminated() {
    for attempt in [1, 2, 6, 100] {
        assert_eq!(
            show(verdict(Outcome::Handled, attempt, &RETRY)),
            show(AckKind::Ack),
            "handled on delivery {attempt}: Ack"
        );
        assert_eq!(
            show(verdict(Outcome::Undecodable, attempt, &RETRY)),
            show(AckKind::Term),
            "a message that does not decode, on delivery {attempt}: Term, since no later \
             delivery can decode it"
        );
    }
}

#[test]
fn each_failure_waits_twice_as_long_as_the_last_up_to_the_limit() {
    let expected = [
        (1, ms(200)),
        (2, ms(400)),
        (3, ms(800)),
        (4, ms(1000)),
        (5, ms(1000)),
    ];
    for (attempt, wait) in expected {
        assert_eq!(
            show(verdict(Outcome::Failed, attempt, &RETRY)),
            show(wait),
            "failed on delivery {attempt} of {}: Nak with first_delay × 2^{} = {:?} (at most \
             {:?})",
            RETRY.max_deliver,
            attempt - 1,
            RETRY.first_delay * 2u32.pow(attempt as u32 - 1),
            RETRY.max_delay
        );
    }
}

#[test]
fn the_last_allowed_delivery_that_fails_is_terminated() {
    assert_eq!(
        show(verdict(Outcome::Failed, RETRY.max_deliver, &RETRY)),
        show(AckKind::Term),
        "failed on delivery max_deliver ({}): no delivery is left, Term",
        RETRY.max_deliver
    );
    assert_eq!(
        show(verdict(Outcome::Failed, RETRY.max_deliver + 3, &RETRY)),
        show(AckKind::Term),
        "past max_deliver: Term"
    );
    let once = Retry {
        max_deliver: 1,
        ..RETRY
    };
    assert_eq!(
        show(verdict(Outcome::Failed, 1, &once)),
        show(AckKind::Term),
        "max_deliver 1: the first failure is the last"
    );
}

#[test]
fn attempts_far_past_the_limit_neither_overflow_nor_panic() {
    let many = Retry {
        max_deliver: i64::MAX,
        first_delay: Duration::from_secs(3),
        max_delay: Duration::from_secs(3600),
    };
    for attempt in [31, 32, 33, 64, 65, 1_000_000, i64::MAX - 1] {
        assert_eq!(
            show(verdict(Outcome::Failed, attempt, &many)),
            show(AckKind::Nak(Some(many.max_delay))),
            "delivery {attempt}: 2^{} × 3 s does not fit in any number type; the wait is the \
             limit",
            attempt - 1
        );
    }
    for attempt in [0, -1, i64::MIN] {
        assert_eq!(
            show(verdict(Outcome::Failed, attempt, &many)),
            show(AckKind::Nak(Some(many.first_delay))),
            "delivery {attempt} reads as the first one: first_delay"
        );
    }
}

proptest! {
    #[test]
    fn a_wait_never_shrinks_and_never_passes_the_limit(
        first in 1u64..5_000,
        limit in 1u64..600_000,
        attempt in 1i64..200,
    ) {
        let retry = Retry {
            max_deliver: 1_000,
            first_delay: Duration::from_millis(first),
            max_delay: Duration::from_millis(limit),
        };
        let wait = |attempt| match verdict(Outcome::Failed, attempt, &retry) {
            AckKind::Nak(Some(wait)) => wait,
            other => panic!("a failure before max_deliver is a Nak with a wait, not {other:?}"),
        };
        prop_assert!(wait(attempt) <= retry.max_delay);
        prop_assert!(wait(attempt + 1) >= wait(attempt));
        prop_assert_eq!(wait(1), retry.first_delay.min(retry.max_delay));
    }
}

/// A durable consumer of the subject `topic` on a private nats-server, fed by hand.
struct Durable {
    js: jetstream::Context,
    topic: String,
    messages: consumer::pull::Stream,
}

impl Durable {
    async fn new(server: &testkit::NatsServer, topic: &str, max_deliver: i64) -> Durable {
        let client = async_nats::connect(server.url()).await.unwrap();
        let js = jetstream::new(client);
        let stream = js
            .get_or_create_stream(stream::Config {
                name: format!("BACKOFF_{}", topic.replace('.', "_")),
                subjects: vec![topic.to_string()],
                ..Default::default()
            })
            .await
            .unwrap();
        let consumer: consumer::PullConsumer = stream
            .get_or_create_consumer(
                "backoff",
                consumer::pull::Config {
                    durable_name: Some("backoff".to_string()),
                    ack_policy: consumer::AckPolicy::Explicit,
                    max_deliver,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let messages = consumer.messages().await.unwrap();
        Durable {
            js,
            topic: topic.to_string(),
            messages,
        }
    }

    async fn publish(&self, body: &'static str) {
        let ack = self.js.publish(self.topic.clone(), body.into()).await;
        ack.unwrap().await.unwrap();
    }

    /// The next delivery: its body and its delivery number.
    async fn next(&mut self) -> (jetstream::Message, String, i64) {
        let message = within("the next delivery", self.messages.next())
            .await
            .expect("the consumer's stream goes on")
            .expect("a delivery, not an error");
        let body = String::from_utf8_lossy(&message.payload).to_string();
        let attempt = message.info().unwrap().delivered;
        (message, body, attempt)
    }
}

#[tokio::test]
async fn the_server_redelivers_as_the_verdicts_say() {
    let server = testkit::nats().await;
    let mut durable = Durable::new(&server, "orders", RETRY.max_deliver).await;
    durable.publish("order-1").await;

    // The handler fails twice, then handles it: three deliveries, each wait longer.
    let mut waited = Vec::new();
    let mut told_at = Instant::now();
    for expected in 1..=3 {
        let (message, body, attempt) = durable.next().await;
        if expected > 1 {
            waited.push(told_at.elapsed());
        }
        assert_eq!((body.as_str(), attempt), ("order-1", expected));
        let outcome = if attempt < 3 {
            Outcome::Failed
        } else {
            Outcome::Handled
        };
        message
            .double_ack_with(verdict(outcome, attempt, &RETRY))
            .await
            .unwrap();
        told_at = Instant::now();
    }
    // The server waited at least as long as each Nak asked (its clock, ours: 10 % leeway).
    for (n, (waited, asked)) in waited.iter().zip([200, 400]).enumerate() {
        assert!(
            waited.as_millis() * 10 >= asked * 9,
            "delivery {} came {waited:?} after the Nak that asked for {asked} ms",
            n + 2
        );
    }
    // Acknowledged: the next delivery is the next message, not order-1 again.
    durable.publish("order-2").await;
    let (message, body, _) = durable.next().await;
    assert_eq!(
        body, "order-2",
        "order-1 was acknowledged: it must not come back"
    );
    message.double_ack_with(AckKind::Ack).await.unwrap();
}

#[tokio::test]
async fn a_terminated_message_never_comes_back() {
    let server = testkit::nats().await;
    let retry = Retry {
        max_deliver: 2,
        ..RETRY
    };
    let mut durable = Durable::new(&server, "payments", retry.max_deliver).await;

    // Undecodable: terminated at once.
    durable.publish("not a message").await;
    let (message, _, attempt) = durable.next().await;
    message
        .double_ack_with(verdict(Outcome::Undecodable, attempt, &retry))
        .await
        .unwrap();
    // Failing every time: delivered max_deliver times, the last one terminated.
    durable.publish("payment-1").await;
    for expected in 1..=2 {
        let (message, body, attempt) = durable.next().await;
        assert_eq!((body.as_str(), attempt), ("payment-1", expected));
        message
            .double_ack_with(verdict(Outcome::Failed, attempt, &retry))
            .await
            .unwrap();
    }
    durable.publish("payment-2").await;
    let (_, body, attempt) = durable.next().await;
    assert_eq!(
        (body.as_str(), attempt),
        ("payment-2", 1),
        "both earlier messages were terminated: neither may come back"
    );
}
