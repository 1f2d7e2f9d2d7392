//! Lesson 12: events — publish and subscribe on the framework of lesson 11.
//!
//! Every lesson so far was request and response: a caller waits for one answer from one
//! service. An event is the other way round: a service says "this happened" to a topic and
//! goes on; whoever subscribed to the topic hears it, now or later, one of them or all. The
//! publisher does not know who listens, and does not wait for them. go-micro calls the part
//! that carries events the *broker*:
//!
//! - [`broker`]: the `Broker` trait, what a message is, and how go-micro writes one down;
//! - [`open`]: a broker chosen by name on the command line, as lesson 11 chooses a registry;
//! - [`nats`]: the broker on a NATS server, and JetStream's durable subscribers.

pub mod broker;
pub mod nats;
pub mod open;
