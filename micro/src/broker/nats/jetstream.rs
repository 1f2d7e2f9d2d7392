//! A durable subscriber on JetStream: at least once, where core NATS is at most once.
//!
//! JetStream is the part of nats-server (`-js`) that keeps messages. A *stream* listens to
//! subjects and stores, on disk, every message published to them — by anyone, with a plain
//! `PUB`, so publishers need not change. A *consumer* is a named reader of a stream that the
//! server remembers: which messages it has been given, which it has acknowledged. A
//! subscriber that stops and comes back under the same consumer name is given what it has
//! not acknowledged yet: every message published while it was away.
//!
//! The price is at least once. A message whose handler failed (`Err`), or that was never
//! acknowledged (the subscriber died after handling it but before its ack reached the
//! server), is delivered again: handlers must be idempotent — handling a message twice must
//! do what handling it once does (keep the ids already seen, or make the effect a "set" and
//! not an "add"). Redelivery is bounded: after `max_deliver` deliveries the server gives up.

use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer, stream};
use futures::{FutureExt, StreamExt};
use tokio::sync::oneshot;

use super::{NatsBroker, NatsSubscription, check_topic};
use crate::broker::{Event, Handler, MAX_MESSAGE_BYTES, Subscription};

/// How a durable subscriber is kept by the server.
#[derive(Debug, Clone)]
pub struct DurableOptions {
    /// The consumer's name: the server remembers what it acknowledged under this name.
    pub name: String,
    /// How many times a message is delivered before the server gives up on it.
    pub max_deliver: i64,
    /// How long the server waits for an ack before it delivers the message again (to this
    /// subscriber or, after a restart, to the next one of that name).
    pub ack_wait: Duration,
    /// How long after a handler's `Err` the message comes back.
    pub retry_delay: Duration,
}

impl DurableOptions {
    /// A durable subscriber called `name`, with the defaults: 5 deliveries at most, 30 s to
    /// acknowledge, a failed message back after 1 s.
    pub fn new(name: &str) -> DurableOptions {
        DurableOptions {
            name: name.to_string(),
            max_deliver: 5,
            ack_wait: Duration::from_secs(30),
            retry_delay: Duration::from_secs(1),
        }
    }
}

/// The stream that keeps `topic`'s messages: `EVENTS_` and the topic with its dots as
/// underscores (a stream's name may not hold a dot).
pub fn stream_name(topic: &str) -> String {
    format!("EVENTS_{}", topic.replace('.', "_"))
}

/// Checks a consumer's name as the server would, with a clearer error.
fn check_name(name: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{name:?} cannot name a durable subscriber: use letters, digits, - and _"
    );
    Ok(())
}

// ANCHOR: stream
/// The stream of `topic`, made if it does not exist yet. Bounded: a day of messages, at most
/// 100 000 of them, the oldest dropped first.
async fn topic_stream(js: &jetstream::Context, topic: &str) -> anyhow::Result<stream::Stream> {
    let name = stream_name(topic);
    let mut stream = js
        .get_or_create_stream(stream::Config {
            name: name.clone(),
            subjects: vec![topic.to_string()],
            storage: stream::StorageType::File,
            retention: stream::RetentionPolicy::Limits,
            max_messages: 100_000,
            max_age: Duration::from_secs(24 * 3600),
            max_message_size: MAX_MESSAGE_BYTES as i32,
            discard: stream::DiscardPolicy::Old,
            ..Default::default()
        })
        .await
        .map_err(|error| {
            anyhow::anyhow!(
                "cannot make the stream {name} (is JetStream on? `nats-server -js`; the runner's \
                 `services up` starts it so): {error}"
            )
        })?;
    // Two topics may map to one name (`a.b`, `a_b`): the stream must be this topic's.
    let subjects = &stream.info().await?.config.subjects;
    anyhow::ensure!(
        subjects.iter().any(|subject| subject == topic),
        "the stream {name} keeps {subjects:?}, not {topic:?}"
    );
    Ok(stream)
}
// ANCHOR_END: stream

// ANCHOR: durable
impl NatsBroker {
    /// Calls `handler` for every message of `topic`, including those published while no
    /// subscriber of this name ran (since the first one subscribed). `Ok` acknowledges the
    /// message; `Err` sends it back for another delivery after `retry_delay`, up to
    /// `max_deliver` deliveries.
    pub async fn subscribe_durable(
        &self,
        topic: &str,
        options: &DurableOptions,
        handler: Handler,
    ) -> anyhow::Result<Box<dyn Subscription>> {
        check_topic(topic, true)?;
        check_name(&options.name)?;
        let js = jetstream::new(self.client.clone());
        let stream = topic_stream(&js, topic).await?;
        let consumer: consumer::PullConsumer = stream
            .get_or_create_consumer(
                &options.name,
                consumer::pull::Config {
                    durable_name: Some(options.name.clone()),
                    deliver_policy: consumer::DeliverPolicy::All,
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: options.ack_wait,
                    max_deliver: options.max_deliver,
                    ..Default::default()
                },
            )
            .await?;
        let mut messages = consumer.messages().await?;
        let (stop, stopped) = oneshot::channel();
        let settle = Settle {
            topic: topic.to_string(),
            handler,
            max_deliver: options.max_deliver,
            retry_delay: options.retry_delay,
        };
        let task = tokio::spawn(async move {
            tokio::pin!(stopped);
            loop {
                let next = tokio::select! {
                    _ = &mut stopped => break,
                    next = messages.next() => next,
                };
                let delivered = match next {
                    None => return,
                    Some(Ok(delivered)) => delivered,
                    // A missed heartbeat, a server restart: the stream goes on.
                    Some(Err(error)) => {
                        tracing::warn!("{}: {error}", settle.topic);
                        continue;
                    }
                };
                let settling = settle.message(delivered);
                tokio::pin!(settling);
                tokio::select! {
                    () = &mut settling => {}
                    // A stop during a handler call ends the pull at once; the call goes on.
                    _ = &mut stopped => {
                        let arrived = end_pull(messages);
                        settling.await;
                        settle.all(arrived).await;
                        return;
                    }
                }
            }
            let arrived = end_pull(messages);
            settle.all(arrived).await;
        });
        let topic = topic.to_string();
        Ok(Box::new(NatsSubscription { topic, stop, task }))
    }
}

/// JetStream's drain, at a stop. What the server has already handed this subscriber waits
/// in the client's buffer: take it, without waiting for more; then end the pull (dropping
/// the stream unsubscribes its inbox), so that the server hands it nothing more. What was
/// taken is then handled and acknowledged, not left unacknowledged until `ack_wait` brings
/// it back. (A message still on the wire at this moment does come back that way.)
fn end_pull(mut messages: consumer::pull::Stream) -> Vec<jetstream::Message> {
    let mut arrived = Vec::new();
    while let Some(next) = messages.next().now_or_never() {
        match next {
            Some(Ok(delivered)) => arrived.push(delivered),
            Some(Err(_)) => continue,
            None => break,
        }
    }
    arrived
}

/// What a durable subscriber does with each message: hand it to the handler, and tell the
/// server what became of it.
struct Settle {
    topic: String,
    handler: Handler,
    max_deliver: i64,
    retry_delay: Duration,
}

impl Settle {
    /// The messages taken at a stop, one after another.
    async fn all(&self, arrived: Vec<jetstream::Message>) {
        if !arrived.is_empty() {
            let count = arrived.len();
            tracing::info!(
                "{}: handling {count} message(s) received before the stop",
                self.topic
            );
        }
        for delivered in arrived {
            self.message(delivered).await;
        }
    }

    async fn message(&self, delivered: jetstream::Message) {
        let (topic, max_deliver) = (&self.topic, self.max_deliver);
        let attempt = delivered.info().map(|info| info.delivered).unwrap_or(1);
        let verdict = match Event::decode(topic, &delivered.payload) {
            Ok(event) => match event.hand_to(&self.handler).await {
                Ok(()) => AckKind::Ack,
                Err(error) if attempt >= max_deliver => {
                    tracing::error!(
                        "{topic}: delivery {attempt} of {max_deliver}, giving up: {error:#}"
                    );
                    AckKind::Term
                }
                Err(error) => {
                    tracing::warn!(
                        "{topic}: delivery {attempt} of {max_deliver}, will try again: {error:#}"
                    );
                    AckKind::Nak(Some(self.retry_delay))
                }
            },
            // Delivering it again would fail again: tell the server to stop.
            Err(error) => {
                tracing::error!("{topic}: dropped for good: {error:#}");
                AckKind::Term
            }
        };
        // The ack waits for the server's answer: once it returns, this message will not
        // come back. A subscriber killed before that point gets it again.
        if let Err(error) = delivered.double_ack_with(verdict).await {
            tracing::warn!("{topic}: the ack was not confirmed: {error}");
        }
    }
}
// ANCHOR_END: durable

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_what_the_server_accepts() {
        assert_eq!(stream_name("captcha.verified"), "EVENTS_captcha_verified");
        assert!(check_name("audit-1").is_ok());
        for bad in ["", "a.b", "a b", "a*", "a>"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
