//! What the service does with the events on its topic: go-micro's `subscriber/example.go`.

use crate::example::Message;

/// Called with each `Message` published on the service's topic (its own name). `Ok` tells
/// the broker it was handled; an `Err` is logged, and a broker that can deliver again
/// (lesson 12's JetStream) does.
pub async fn handle(message: Message) -> anyhow::Result<()> {
    tracing::info!("Received message: {}", message.say);
    Ok(())
}
