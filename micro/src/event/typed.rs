//! A handler of typed events: decode the body as the topic's protobuf message, hand it on,
//! and say whether it was handled.

use crate::broker::{Event, Handler, handler};

// ANCHOR: typed
/// A [`Handler`] that decodes each event's body as an `M` and calls `handle` with it. Its
/// answer is the acknowledgement: `Ok` when `handle` returned `Ok`; an error — naming the
/// topic and the type — when the message carries a `Content-Type` other than
/// `application/protobuf`, when its body is not an `M`, or when `handle` failed.
pub fn typed_handler<M, F, Fut>(handle: F) -> Handler
where
    M: prost::Message + Default + 'static,
    F: Fn(M) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let handle = std::sync::Arc::new(handle);
    handler(move |event: Event| {
        let handle = handle.clone();
        async move {
            let type_name = std::any::type_name::<M>();
            let topic = &event.topic;
            if let Some(kind) = event.message.header.get("Content-Type") {
                anyhow::ensure!(
                    kind == "application/protobuf",
                    "a message on {topic} is {kind}, not application/protobuf"
                );
            }
            let decoded = M::decode(event.message.body.clone()).map_err(|error| {
                anyhow::anyhow!("a message on {topic} is not a {type_name}: {error}")
            })?;
            handle(decoded).await
        }
    })
}
// ANCHOR_END: typed
