//! A handler of typed events: decode the body as the topic's protobuf message, hand it on,
//! and say whether it was handled.

use micro::broker::{Event, Handler, handler};

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
    // TODO: the handler of the doc comment (a message without any `Content-Type` is read as
    // protobuf). A message is acknowledged only when `handle` has handled it: every error
    // says which topic, and which type it was not.
    todo!("a handler of {}", std::any::type_name::<M>())
}
