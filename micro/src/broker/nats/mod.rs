//! The NATS broker: go-micro's `broker/nats` in Rust, on the `async-nats` client.
//!
//! NATS is a server that routes messages by *subject*: a client says `SUB greetings 1`, another
//! says `PUB greetings 5` and five bytes, and the server hands those bytes to every client that
//! subscribed to `greetings` at that moment — and to nobody else, and never again. A
//! subscription with a *queue group* (`SUB greetings workers 1`) shares the subject with the
//! other members of its group: each message goes to one member of each group.
//!
//! go-micro's NATS broker sends a message as it sends it over HTTP: the topic is the subject,
//! and the payload is the codec-encoded `broker.Message` ([`Message::encode`]); see
//! micro/go-micro v2.9.1 (commit 94bd1025a64eaaba1d89189891ef49f3ab5eee7f),
//! `broker/nats/nats.go`, `Publish` (`n.opts.Codec.Marshal(msg)` then `n.conn.Publish(topic,
//! b)`) and `Subscribe` (`QueueSubscribe` when a queue is given). The plugin
//! `github.com/micro/go-plugins/broker/nats/v2` at v2.9.1 (commit bbcf479d49144623ab9530fed1eb8613cf0d4623) registers that
//! same broker under the name `nats`. So a Go service and this one share a topic on one server.
//!
//! Core NATS keeps nothing: what is published while a subscriber is away is lost to it. For a
//! subscriber that must see every message, [`jetstream`] keeps them on disk.

pub mod jetstream;

use std::time::Duration;

use async_nats::RequestErrorKind;
use bytes::Bytes;
use futures::StreamExt;
use futures::future::BoxFuture;
use shared::grpc::SHUTDOWN_GRACE;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tracing::{info, warn};

use crate::broker::{
    Broker, Event, Handler, MAX_MESSAGE_BYTES, Message, SubscribeOptions, Subscription,
};

/// Where a NATS server listens when nothing else is said.
pub const DEFAULT_URL: &str = "nats://127.0.0.1:4222";

/// The NATS server to use: `address` (`--broker-address`) if given, else `NATS_URL` as the
/// `nats` command-line tool reads it, else [`DEFAULT_URL`].
pub fn server_url(address: Option<&str>) -> String {
    match address {
        Some(address) => address.to_string(),
        None => std::env::var("NATS_URL").unwrap_or_else(|_| DEFAULT_URL.to_string()),
    }
}

/// How long a publish or a subscribe waits for the server to confirm it has it (while the
/// server is down, the client keeps the command and reconnects; past this, it fails).
pub const PUBLISH_TIMEOUT: Duration = Duration::from_secs(10);

/// How long `connect` waits for the client's `connected` event once it is connected.
const CONNECTED_EVENT_WAIT: Duration = Duration::from_secs(5);

/// A broker on a NATS server.
#[derive(Clone)]
pub struct NatsBroker {
    client: async_nats::Client,
    url: String,
    /// Turns true once the client has closed its connection for good.
    closed: watch::Receiver<bool>,
}

// ANCHOR: connect
impl NatsBroker {
    /// Connects to the NATS server at `url` (e.g. `nats://127.0.0.1:4222`).
    ///
    /// Once connected, the client reconnects by itself, for ever, when the server goes away,
    /// and subscribes again to everything it had subscribed to: neither publishers nor
    /// subscribers notice more than a pause. What is published to a subject while the server
    /// is down is kept by the publishing client (up to its buffer) and sent on reconnect.
    /// async-nats logs each of these events (`event: disconnected`, `event: connected`).
    pub async fn connect(url: &str) -> anyhow::Result<NatsBroker> {
        let (connecting, mut connected) = watch::channel(false);
        let (closing, closed) = watch::channel(false);
        let client = async_nats::ConnectOptions::new()
            .name("l12-events")
            .max_reconnects(None)
            // Called after the client has logged the event.
            .event_callback(move |event| {
                match event {
                    async_nats::Event::Connected => {
                        connecting.send_replace(true);
                    }
                    async_nats::Event::Closed => {
                        closing.send_replace(true);
                    }
                    _ => {}
                }
                std::future::ready(())
            })
            .connect(url)
            .await
            .map_err(|error| {
                anyhow::anyhow!(
                    "cannot connect to NATS at {url}: {error} (is a server running? \
                     `cargo run -p workbook -- services up` starts one)"
                )
            })?;
        // The client logs `event: connected` from a task of its own, which may run after
        // `connect` has returned: waiting for it keeps that line before whatever the program
        // does next, in its log as in the book's transcripts. It comes at once after a
        // connection; if it did not, the broker works without it.
        let _ = tokio::time::timeout(CONNECTED_EVENT_WAIT, connected.wait_for(|yes| *yes)).await;
        Ok(NatsBroker {
            client,
            url: url.to_string(),
            closed,
        })
    }
    // ANCHOR_END: connect

    // ANCHOR: round_trip
    /// Waits until the server has read everything this client sent before.
    ///
    /// `publish` and `subscribe` only queue a command in the client, and `flush` only writes
    /// it to the socket. A server answers one connection's commands in order, and answers a
    /// request to a subject nobody subscribes to at once, with "no responders": once that
    /// answer is back, the server has handled the `PUB` or `SUB` sent before it.
    async fn round_trip(&self) -> anyhow::Result<()> {
        let nobody = self.client.new_inbox();
        let request = self.client.request(nobody, Bytes::new());
        match tokio::time::timeout(PUBLISH_TIMEOUT, request).await {
            Err(_) => anyhow::bail!("NATS did not answer within {PUBLISH_TIMEOUT:?}"),
            Ok(Err(error)) if error.kind() == RequestErrorKind::NoResponders => Ok(()),
            Ok(Err(error)) => Err(error.into()),
            Ok(Ok(_)) => Ok(()),
        }
    }
    // ANCHOR_END: round_trip

    /// The `async-nats` client under this broker, for what the trait does not say (JetStream).
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }
}

/// A topic is a NATS subject: dot-separated tokens, no spaces. `*` and `>` are wildcards in
/// a subscription, never in a published subject.
fn check_topic(topic: &str, publishing: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        !topic.is_empty()
            && !topic.contains(char::is_whitespace)
            && topic.split('.').all(|token| !token.is_empty()),
        "{topic:?} is not a NATS subject: use dot-separated words without spaces"
    );
    anyhow::ensure!(
        !publishing || !topic.split('.').any(|token| token == "*" || token == ">"),
        "cannot publish to {topic:?}: `*` and `>` are wildcards for subscribers"
    );
    Ok(())
}

// ANCHOR: publish
impl Broker for NatsBroker {
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        message: &'a Message,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            check_topic(topic, true)?;
            let payload = message.encode();
            // The server refuses a payload over its max_payload (1 MiB by default) and closes
            // the connection of a client that sends one: say so here instead.
            anyhow::ensure!(
                payload.len() <= MAX_MESSAGE_BYTES,
                "a message of {} bytes (encoded) is over the limit of {MAX_MESSAGE_BYTES}",
                payload.len()
            );
            self.client
                .publish(topic.to_string(), payload.into())
                .await?;
            // When this returns, the server has the message.
            self.round_trip().await
        })
    }
    // ANCHOR_END: publish

    // ANCHOR: subscribe
    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: Handler,
    ) -> BoxFuture<'a, anyhow::Result<Box<dyn Subscription>>> {
        Box::pin(async move {
            check_topic(topic, false)?;
            let mut subscriber = match &options.queue {
                Some(queue) => {
                    self.client
                        .queue_subscribe(topic.to_string(), queue.clone())
                        .await?
                }
                None => self.client.subscribe(topic.to_string()).await?,
            };
            // The server has the subscription when this returns: a message published after
            // `subscribe` returns reaches this subscriber.
            self.round_trip().await?;
            // One message at a time, as go-micro's handler is called: a slow handler makes
            // the messages wait in the client's buffer (64 Ki messages); past that the
            // client drops them and reports a slow consumer.
            let handle = move |delivered: async_nats::Message| {
                let handler = handler.clone();
                async move {
                    let topic = delivered.subject.as_str();
                    let handled = match Event::decode(topic, &delivered.payload) {
                        Ok(event) => event.hand_to(&handler).await,
                        Err(error) => Err(error.context("dropped")),
                    };
                    // Core NATS cannot deliver again: the message is gone.
                    if let Err(error) = handled {
                        tracing::error!("{topic}: {error:#}");
                    }
                }
            };
            let (stop, stopped) = oneshot::channel();
            let topic = topic.to_string();
            let task_topic = topic.clone();
            let task = tokio::spawn(async move {
                tokio::pin!(stopped);
                // At the stop, NATS's drain: the server is told at once to send nothing more
                // (`UNSUB`), even while a handler call is still going on.
                loop {
                    let next = tokio::select! {
                        _ = &mut stopped => {
                            let _ = subscriber.drain().await;
                            break;
                        }
                        next = subscriber.next() => next,
                    };
                    // None: the client is closed for good.
                    let Some(delivered) = next else { return };
                    let handling = handle(delivered);
                    tokio::pin!(handling);
                    tokio::select! {
                        () = &mut handling => {}
                        _ = &mut stopped => {
                            let _ = subscriber.drain().await;
                            handling.await;
                            break;
                        }
                    }
                }
                // Then what the server had sent before it heard the `UNSUB` — in the client's
                // buffer, or on the wire — is still handed over, and the stream ends. Each of
                // those messages is this subscriber's and nobody else's: it is handled here,
                // once, not dropped.
                let mut drained = 0;
                while let Some(delivered) = subscriber.next().await {
                    handle(delivered).await;
                    drained += 1;
                }
                if drained > 0 {
                    info!("{task_topic}: handled {drained} message(s) received before the stop");
                }
            });
            Ok(Box::new(NatsSubscription { topic, stop, task }) as Box<dyn Subscription>)
        })
    }
    // ANCHOR_END: subscribe

    fn describe(&self) -> String {
        format!("nats {}", self.url)
    }

    /// Drains the client (what it holds is sent, its subscriptions end) and waits until it
    /// has closed, so that a program exits after the client's last word, never during it.
    fn disconnect(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            self.client.drain().await?;
            let mut closed = self.closed.clone();
            match tokio::time::timeout(PUBLISH_TIMEOUT, closed.wait_for(|closed| *closed)).await {
                Err(_) => anyhow::bail!("NATS did not close within {PUBLISH_TIMEOUT:?}"),
                // Ok(Err(_)): the client is gone altogether, which is closed too.
                Ok(_) => Ok(()),
            }
        })
    }
}

/// A running subscription: a task that reads the client's subscription and calls the handler.
pub(crate) struct NatsSubscription {
    pub(crate) topic: String,
    pub(crate) stop: oneshot::Sender<()>,
    pub(crate) task: JoinHandle<()>,
}

impl Subscription for NatsSubscription {
    fn topic(&self) -> &str {
        &self.topic
    }

    /// Tells the task to stop: it unsubscribes from the server, finishes the handler call it
    /// is in, handles what had already arrived, and ends. Past the program's grace period
    /// it is cut off: no handler call starts after this has returned.
    fn unsubscribe(self: Box<Self>) -> BoxFuture<'static, anyhow::Result<()>> {
        Box::pin(async move {
            let _ = self.stop.send(());
            let cut_off = self.task.abort_handle();
            match tokio::time::timeout(SHUTDOWN_GRACE, self.task).await {
                Ok(ended) => ended?,
                Err(_) => {
                    let topic = &self.topic;
                    warn!("{topic}: messages still to handle after {SHUTDOWN_GRACE:?} dropped");
                    cut_off.abort();
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check_topic;

    #[test]
    fn topics_are_subjects() {
        assert!(check_topic("captcha.verified", true).is_ok());
        assert!(check_topic("captcha.*", false).is_ok());
        for bad in ["", "two words", "a..b", ".a", "a."] {
            assert!(check_topic(bad, false).is_err(), "{bad:?}");
        }
        assert!(check_topic("captcha.>", true).is_err());
    }
}
