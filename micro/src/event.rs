//! The framework's events: typed protobuf messages on a topic, as go-micro's
//! `micro.NewEvent(topic, client).Publish(ctx, msg)` and
//! `micro.RegisterSubscriber(topic, server, handler)`.
//!
//! The broker carries bytes and headers; a service wants to say "a `CaptchaVerified`
//! happened" and to be handed one. [`Publisher`] writes a message the way go-micro's client
//! does (`client/rpc_client.go` at v2.9.1, `Publish`, lines 563–630): the body is the
//! protobuf encoding, and the headers say what it is (`Content-Type:
//! application/protobuf`), where it goes (`Micro-Topic`) and which message this is
//! (`Micro-Id`, a fresh UUID). [`subscribe`] does the other half: it decodes each body as
//! the topic's type, and a body that is not one is an error for that message only.

// The exercise `events.typed` rebuilds this module, and is answered by it (`--features solution`).
pub mod typed;

use std::marker::PhantomData;
use std::sync::Arc;

use crate::broker::{Broker, Message, SubscribeOptions, Subscription, TOPIC_HEADER};
use crate::event::typed::typed_handler;

/// The content type go-micro's client publishes with by default (`client/rpc_codec.go`,
/// `DefaultContentType`, line 53).
pub const PROTOBUF: &str = "application/protobuf";

/// The header that gives each published message an id of its own.
pub const ID_HEADER: &str = "Micro-Id";

// ANCHOR: publisher
/// Publishes messages of type `M` on one topic (go-micro's `micro.Event`).
pub struct Publisher<M> {
    topic: String,
    broker: Arc<dyn Broker>,
    message_type: PhantomData<fn(M)>,
}

impl<M: prost::Message> Publisher<M> {
    /// go-micro's `micro.NewEvent(topic, client)`.
    pub fn new(topic: &str, broker: Arc<dyn Broker>) -> Publisher<M> {
        Publisher {
            topic: topic.to_string(),
            broker,
            message_type: PhantomData,
        }
    }

    /// Publishes `event`; returns once the broker has taken it.
    pub async fn publish(&self, event: &M) -> anyhow::Result<()> {
        let mut message = Message::new(event.encode_to_vec());
        for (name, value) in [
            ("Content-Type", PROTOBUF.to_string()),
            (TOPIC_HEADER, self.topic.clone()),
            (ID_HEADER, uuid::Uuid::new_v4().to_string()),
        ] {
            message.header.insert(name.to_string(), value);
        }
        self.broker.publish(&self.topic, &message).await
    }
}
// ANCHOR_END: publisher

// ANCHOR: subscribe
/// Calls `handle` with each message of type `M` published on `topic` (go-micro's
/// `micro.RegisterSubscriber`). A message that is not an `M` never reaches `handle`: its
/// delivery fails with a clear error, logged by the broker, and the next one goes on.
pub async fn subscribe<M, F, Fut>(
    broker: &dyn Broker,
    topic: &str,
    options: SubscribeOptions,
    handle: F,
) -> anyhow::Result<Box<dyn Subscription>>
where
    M: prost::Message + Default + 'static,
    F: Fn(M) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    broker
        .subscribe(topic, options, typed_handler::<M, F, Fut>(handle))
        .await
}
// ANCHOR_END: subscribe
