//! The deliveries a subscriber has begun, so that it can stop in lesson 08's order.
//!
//! Lesson 08's server leaves in three steps: out of the registry, so that no new work is
//! sent to it; then the work it already took is finished; only then is it gone. A
//! subscriber of the HTTP broker is the same kind of server, and its work is one POST per
//! message. A POST is *in flight* from the moment its headers are in: a publisher chose
//! this subscriber, and its body may still be on the way — a big message, a slow network.
//! Forgetting the handler at that moment would answer it 404 and lose a message the
//! subscriber had already begun to take.
//!
//! So each subscription served here is a [`Subscriber`] that counts its deliveries in
//! flight. Once it has left the registry, it [stops taking](Subscriber::stop_taking) new
//! ones, and [finishes](Subscriber::finish) those in flight: each is read to the end,
//! handled once and answered, within a grace period; after it, the handler is never called
//! again. A [`Delivery`] is one POST's share of that count, from its headers to its answer:
//! it counts itself out when it is dropped, however the request ends.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::broker::{Event, Handler};

/// What a subscription takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Phase {
    /// New deliveries, as long as it runs.
    #[default]
    Open,
    /// Only those already in flight: it is stopping.
    Closing,
    /// None: stopped, its handler is not called any more.
    Gone,
}

/// A subscription's phase and how many of its deliveries are in flight, in one value, so
/// that a delivery that begins and a stop that closes never miss each other.
#[derive(Debug, Clone, Copy, Default)]
struct State {
    phase: Phase,
    in_flight: usize,
}

/// One subscription as this process's endpoint serves it.
pub(super) struct Subscriber {
    /// The topic it subscribed to: a message of another topic is not for it.
    pub topic: String,
    handler: Handler,
    /// A watch channel: [`finish`](Subscriber::finish) waits on it until nothing is in flight.
    state: watch::Sender<State>,
}

impl Subscriber {
    pub fn new(topic: &str, handler: Handler) -> Arc<Subscriber> {
        Arc::new(Subscriber {
            topic: topic.to_string(),
            handler,
            state: watch::Sender::new(State::default()),
        })
    }

    /// A delivery begins, if this subscription still takes new ones; `None` once it is
    /// stopping.
    pub fn begin(self: &Arc<Self>) -> Option<Delivery> {
        let begun = self.state.send_if_modified(|state| {
            let open = state.phase == Phase::Open;
            if open {
                state.in_flight += 1;
            }
            open
        });
        begun.then(|| Delivery {
            to: Arc::clone(self),
        })
    }

    /// The stop's first half: no new delivery begins from now on. How many are in flight.
    pub fn stop_taking(&self) -> usize {
        let mut in_flight = 0;
        self.state.send_modify(|state| {
            state.phase = Phase::Closing;
            in_flight = state.in_flight;
        });
        in_flight
    }

    /// The stop's second half: returns once the deliveries in flight have been answered, or
    /// `grace` has passed; from then on the handler is never called. How many were cut off
    /// by the deadline.
    pub async fn finish(&self, grace: Duration) -> usize {
        let mut state = self.state.subscribe();
        // `wait_for` fails only when the sender is gone, and `self` holds it.
        let _ = tokio::time::timeout(grace, state.wait_for(|state| state.in_flight == 0)).await;
        let mut cut_off = 0;
        self.state.send_modify(|state| {
            state.phase = Phase::Gone;
            cut_off = state.in_flight;
        });
        cut_off
    }
}

/// One delivery in flight, from a POST's headers to its answer.
pub(super) struct Delivery {
    to: Arc<Subscriber>,
}

impl Delivery {
    /// The topic of the subscription this delivery is for.
    pub fn topic(&self) -> &str {
        &self.to.topic
    }

    /// Hands `event` to the subscription's handler, unless the subscription stopped while
    /// the message was still arriving (past its grace period): then `None`, and the handler
    /// is not called.
    pub async fn hand(&self, event: Event) -> Option<anyhow::Result<()>> {
        if self.to.state.borrow().phase == Phase::Gone {
            return None;
        }
        Some(event.hand_to(&self.to.handler).await)
    }

    /// Resolves when the subscription's grace period is over while this delivery is still
    /// in flight: a message still arriving then is refused at once, rather than holding the
    /// endpoint's own stop for as long as its publisher takes to send the rest.
    pub async fn cut_off(&self) {
        let mut state = self.to.state.subscribe();
        // `wait_for` fails only when the sender is gone, and `self.to` holds it.
        let _ = state.wait_for(|state| state.phase == Phase::Gone).await;
    }
}

impl Drop for Delivery {
    /// Answered, refused or abandoned by the publisher: no longer in flight.
    fn drop(&mut self) {
        self.to.state.send_modify(|state| state.in_flight -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::broker::{Message, handler};

    fn event() -> Event {
        Event {
            topic: "orders".to_string(),
            message: Message::new("one"),
        }
    }

    fn subscriber() -> Arc<Subscriber> {
        Subscriber::new("orders", handler(|_| async { Ok(()) }))
    }

    #[tokio::test]
    async fn a_stop_waits_for_a_delivery_in_flight_and_refuses_new_ones() {
        let subscriber = subscriber();
        let delivery = subscriber
            .begin()
            .expect("an open subscription takes a delivery");
        assert_eq!(subscriber.stop_taking(), 1);
        assert!(
            subscriber.begin().is_none(),
            "a delivery began while stopping"
        );
        let finishing = tokio::spawn({
            let subscriber = Arc::clone(&subscriber);
            async move { subscriber.finish(Duration::from_secs(60)).await }
        });
        // The one in flight is still handed to the handler, and the stop waits for it.
        assert!(matches!(delivery.hand(event()).await, Some(Ok(()))));
        assert!(!finishing.is_finished());
        drop(delivery);
        assert_eq!(finishing.await.unwrap(), 0, "nothing was cut off");
    }

    #[tokio::test]
    async fn a_delivery_still_arriving_is_cut_off_when_the_grace_is_over() {
        let subscriber = subscriber();
        let arriving = subscriber.begin().unwrap();
        let cut_off = tokio::spawn(async move { arriving.cut_off().await });
        subscriber.stop_taking();
        assert!(!cut_off.is_finished(), "cut off before the grace was over");
        assert_eq!(subscriber.finish(Duration::ZERO).await, 1);
        cut_off.await.unwrap();
        assert_eq!(subscriber.state.borrow().in_flight, 0);
    }

    #[tokio::test]
    async fn past_the_grace_period_the_handler_is_not_called() {
        let subscriber = subscriber();
        let late = subscriber.begin().unwrap();
        subscriber.stop_taking();
        assert_eq!(subscriber.finish(Duration::ZERO).await, 1);
        assert!(late.hand(event()).await.is_none());
        drop(late);
        assert_eq!(subscriber.state.borrow().in_flight, 0);
    }
}
