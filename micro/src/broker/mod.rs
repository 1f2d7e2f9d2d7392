//! The broker: what carries an event from the service that publishes it to the services
//! that subscribed to its topic.
//!
//! go-micro's `broker.Broker` is an interface with an HTTP implementation by default (each
//! subscriber serves HTTP and is found in the registry) and NATS, RabbitMQ, Kafka… as
//! plugins. This is the same idea in Rust: the [`Broker`] trait, a [`Message`] (headers and
//! bytes, as go-micro's `broker.Message`), and the one way go-micro writes a message down
//! ([`Message::encode`]), which both of its brokers used here send as is.
//!
//! Publishing returns once the broker has taken the message; it never waits for the
//! subscribers to handle it. What happens then — delivered once, at most once, again after a
//! crash — is each broker's own promise, and the subject of the chapter.

pub mod flags;
pub mod http;
pub mod nats;
pub mod open;

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

/// The largest encoded message a broker here sends or accepts (go-micro has no limit; a
/// subscriber that reads whatever it is sent can be made to run out of memory).
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// The header naming a message's topic (go-micro's `headers.Message`).
pub const TOPIC_HEADER: &str = "Micro-Topic";

// ANCHOR: message
/// One message: go-micro's `broker.Message`, headers and a body of bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// e.g. `Content-Type: application/protobuf`, `Micro-Topic`, `Micro-Id`.
    pub header: BTreeMap<String, String>,
    /// The payload: here, a protobuf message's bytes.
    pub body: Bytes,
}
// ANCHOR_END: message

/// What a subscriber's handler is given: the topic the message came on, and the message.
#[derive(Debug, Clone)]
pub struct Event {
    pub topic: String,
    pub message: Message,
}

impl Event {
    /// The event a broker delivered as `payload` on `topic` (go-micro's encoding).
    pub fn decode(topic: &str, payload: &[u8]) -> anyhow::Result<Event> {
        Ok(Event {
            topic: topic.to_string(),
            message: Message::decode(payload)?,
        })
    }

    // ANCHOR: hand_to
    /// Calls `handler` with this event, the way every broker here does: in a task of its
    /// own, so that a handler that panics fails this one message (an `Err` that says so),
    /// never the subscription or the endpoint that delivers the next one.
    pub async fn hand_to(self, handler: &Handler) -> anyhow::Result<()> {
        match tokio::spawn(handler(self)).await {
            Ok(handled) => handled.map_err(|error| error.context("the handler failed")),
            Err(_) => Err(anyhow::anyhow!("the handler panicked")),
        }
    }
    // ANCHOR_END: hand_to
}

/// What a subscriber does with each event. `Ok` means handled: a broker that can deliver
/// again (JetStream) acknowledges it; `Err` means not handled, and such a broker delivers it
/// again later. Brokers that cannot deliver again log the error and go on.
pub type Handler = Arc<dyn Fn(Event) -> BoxFuture<'static, anyhow::Result<()>> + Send + Sync>;

/// Makes a [`Handler`] of an async closure.
pub fn handler<F, Fut>(handle: F) -> Handler
where
    F: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    Arc::new(move |event| Box::pin(handle(event)))
}

/// How to subscribe (go-micro's `broker.SubscribeOption`s).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubscribeOptions {
    /// Subscribers that share a queue group share the messages: each message goes to one of
    /// them. Without one, every subscriber gets every message (a broadcast).
    pub queue: Option<String>,
}

impl SubscribeOptions {
    /// A subscription in the queue group `queue`.
    pub fn queue(queue: &str) -> SubscribeOptions {
        SubscribeOptions {
            queue: Some(queue.to_string()),
        }
    }
}

/// A subscription that is running: its handler is called for each message until
/// [`unsubscribe`](Subscription::unsubscribe) (go-micro's `broker.Subscriber`).
pub trait Subscription: Send + Sync {
    /// The topic it listens to.
    fn topic(&self) -> &str;

    /// Stops it, in lesson 08's order: first the broker stops sending it messages (the HTTP
    /// broker deregisters its node, NATS's server is told to unsubscribe); then the messages
    /// it had already begun to take are handled, once each (within the program's grace
    /// period); only then is it gone, and no message is handed to its handler once this has
    /// returned.
    fn unsubscribe(self: Box<Self>) -> BoxFuture<'static, anyhow::Result<()>>;
}

// ANCHOR: broker
/// What a service framework needs from a broker (go-micro's `broker.Broker`).
///
/// Every method returns a boxed future so that the trait can be used as `dyn Broker`.
pub trait Broker: Send + Sync {
    /// Hands `message` to the broker for every subscriber of `topic`; returns once the broker
    /// has it (or could not take it), not once anyone has handled it.
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        message: &'a Message,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Calls `handler` for each message published on `topic` from now on.
    fn subscribe<'a>(
        &'a self,
        topic: &'a str,
        options: SubscribeOptions,
        handler: Handler,
    ) -> BoxFuture<'a, anyhow::Result<Box<dyn Subscription>>>;

    /// What and where this broker is, e.g. `nats nats://127.0.0.1:4222`.
    fn describe(&self) -> String;

    /// Sends what is still buffered and closes the connection (go-micro's `Disconnect`).
    /// A broker that holds no connection (the HTTP broker) has nothing to do.
    fn disconnect(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async { Ok(()) })
    }
}
// ANCHOR_END: broker

// ANCHOR: encode
/// A message as go-micro's default codec writes it (`codec/json`: Go's `encoding/json` of
/// `broker.Message`): `{"Header":{…},"Body":"<base64>"}`, the header's keys sorted, the
/// body in standard base64 with padding, as Go writes a `[]byte`.
#[derive(Serialize, Deserialize)]
struct Encoded {
    #[serde(rename = "Header", default)]
    header: Option<BTreeMap<String, String>>,
    #[serde(rename = "Body", default)]
    body: Option<String>,
}

impl Message {
    /// A message of `body` with no headers.
    pub fn new(body: impl Into<Bytes>) -> Message {
        Message {
            header: BTreeMap::new(),
            body: body.into(),
        }
    }

    /// The bytes go-micro sends for this message, over HTTP or NATS alike.
    pub fn encode(&self) -> Vec<u8> {
        let encoded = Encoded {
            header: Some(self.header.clone()),
            body: Some(BASE64.encode(&self.body)),
        };
        serde_json::to_vec(&encoded).expect("a map of strings always serialises")
    }

    /// Reads a message written by [`encode`](Message::encode) or by go-micro. A clear error
    /// for anything else: too big, not JSON, a body that is not base64.
    pub fn decode(bytes: &[u8]) -> anyhow::Result<Message> {
        anyhow::ensure!(
            bytes.len() <= MAX_MESSAGE_BYTES,
            "a message of {} bytes is over the limit of {MAX_MESSAGE_BYTES}",
            bytes.len()
        );
        // serde_json bounds its own recursion, and the shape is flat: a deep nesting is an
        // error, not a stack overflow.
        let encoded: Encoded = serde_json::from_slice(bytes)
            .map_err(|error| anyhow::anyhow!("not a broker message: {error}"))?;
        // serde's derived reader also takes the struct written as an array
        // (`[{"Micro-Topic":"a"},"aGk="]`); go-micro's decoder (Go's encoding/json) does
        // not, and neither does this one.
        let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace());
        anyhow::ensure!(
            first == Some(&b'{'),
            "not a broker message: a JSON array, where a message is an object of Header and Body"
        );
        let body = match encoded.body {
            Some(text) => BASE64
                .decode(text)
                .map_err(|error| anyhow::anyhow!("the message's Body is not base64: {error}"))?,
            None => Vec::new(),
        };
        Ok(Message {
            header: encoded.header.unwrap_or_default(),
            body: body.into(),
        })
    }
}
// ANCHOR_END: encode

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_json_object_is_a_message() {
        for bytes in [
            &br#"[{"Micro-Topic":"orders"},"aGk="]"#[..],
            b"null",
            b"\"text\"",
            b"",
        ] {
            let error = Message::decode(bytes).err().map(|e| e.to_string());
            assert!(
                error
                    .as_deref()
                    .is_some_and(|e| e.starts_with("not a broker message")),
                "{:?} was read as a message ({error:?})",
                String::from_utf8_lossy(bytes)
            );
        }
        let read = Message::decode(br#" {"Header":{"Micro-Topic":"orders"},"Body":"aGk="}"#);
        assert_eq!(read.unwrap().body.as_ref(), b"hi");
    }

    #[test]
    fn a_message_reads_back_as_it_was_written() {
        let mut message = Message::new(&b"\x0a\x05hello"[..]);
        message
            .header
            .insert(TOPIC_HEADER.into(), "greetings".into());
        message
            .header
            .insert("Content-Type".into(), "application/protobuf".into());
        let bytes = message.encode();
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            r#"{"Header":{"Content-Type":"application/protobuf","Micro-Topic":"greetings"},"Body":"CgVoZWxsbw=="}"#
        );
        assert_eq!(Message::decode(&bytes).unwrap(), message);
    }

    #[test]
    fn what_is_not_a_message_is_a_clear_error() {
        for (bytes, expected) in [
            (&b"garbage"[..], "not a broker message"),
            (&br#"{"Header":{},"Body":"%%%"}"#[..], "not base64"),
            (&br#"{"Header":{"a":1}}"#[..], "not a broker message"),
        ] {
            let error = Message::decode(bytes).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
        let huge = vec![b' '; MAX_MESSAGE_BYTES + 1];
        assert!(
            Message::decode(&huge)
                .unwrap_err()
                .to_string()
                .contains("over the limit")
        );
    }
}
